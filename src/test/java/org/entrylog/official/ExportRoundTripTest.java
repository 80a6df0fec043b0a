package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.entrylog.cli.Main;
import org.entrylog.testing.TestApp;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace whose contacts have formula-like names, exported as JSON and opened offline with
 * {@code unseal --csv}: a spreadsheet must see the literal text (docs/threat-model.md T15, T38).
 */
@Tag("slow")
class ExportRoundTripTest {
    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final List<String> NAMES = List.of("=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)",
            "=cmd|'/C calc'!A0", "김민준, \"Jun\"");

    @TempDir
    Path dir;

    record Run(int exit, String out) {}

    static synchronized Run run(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(in);
            System.setOut(out);
        }
    }

    @Test
    void formulaNamesComeOutOfUnsealCsvAsLiteralText() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Officials.add(t, "kim");
            TestApp.Device door = t.venueWithDevice("=Venue,\"A\"");
            TestApp.Visitor caseV = t.register("Case", "010-1234-5678");
            Officials.scanAt(t, door, caseV, T, "in");
            for (int i = 0; i < NAMES.size(); i++) {
                TestApp.Visitor v = t.register(NAMES.get(i), "010-3000-000" + i);
                Officials.scanAt(t, door, v, T.plusSeconds(60L * (i + 1)), "in");
            }
            assertEquals(400, t.post("/api/visitors", Map.of("name", "\tTab", "phone", "010-3000-0099"), null).status(),
                    "a name with a tab or CR is refused at registration; Csv covers such cells anyway");
            t.clock.set(T.plus(Duration.ofDays(1)));
            String token = Officials.token(t, "kim");
            Map<String, Object> body = Officials.trace("01012345678", T.minus(Duration.ofHours(1)),
                    T.plus(Duration.ofHours(1)), 30, "CASE-2026-0042");
            TestApp.Response json = t.post("/api/traces", body, token);
            assertEquals(200, json.status(), json.body());
            assertEquals(NAMES.size(), json.json().path("contacts").size());

            // the server's own CSV export: neutralised, sealed, and audited as an export
            TestApp.Response csv = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/traces"))
                    .header("Content-Type", "application/json").header("Accept", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))), token);
            assertEquals(200, csv.status(), csv.body());
            assertTrue(csv.header("Content-Type").startsWith("text/csv"));
            assertTrue(csv.body().startsWith("caseRef,kind,visitorId,venueId,venueName,scannedAt,direction,companions,area,sameArea,sealedIdentity\r\n"));
            assertTrue(csv.body().contains(",\"'=Venue,\"\"A\"\"\","), csv.body());
            assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE format = 'csv' AND status = 200"));

            // offline: unseal with the authority's private key
            String key = dir.resolve("authority-private.pem").toString();
            Run opened = run(json.body(), "unseal", "--key", key, "--csv");
            assertEquals(0, opened.exit(), opened.out());
            String out = opened.out();
            assertTrue(out.startsWith("caseRef,kind,visitorId,venueId,venueName,scannedAt,direction,companions,area,sameArea,name,phone\r\n"), out);
            assertTrue(out.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+821030000000\r\n"), out);
            assertTrue(out.contains(",'+1,'+821030000001\r\n"), out);
            assertTrue(out.contains(",'-2,'+821030000002\r\n"), out);
            assertTrue(out.contains(",'@SUM(A1),'+821030000003\r\n"), out);
            assertTrue(out.contains(",'=cmd|'/C calc'!A0,'+821030000004\r\n"), out);
            assertTrue(out.contains(",\"김민준, \"\"Jun\"\"\",'+821030000005\r\n"), out);
            // a phone in E.164 begins with '+' and is neutralised too: a spreadsheet would otherwise make it a number
            assertFalse(out.contains(",=") || out.contains(",+") || out.contains(",@"), "no live formula cell");
            for (String line : out.split("\r\n")) {
                for (String cell : line.split(",")) {
                    char c = cell.isEmpty() ? 'x' : cell.charAt(0);
                    assertFalse(c == '=' || c == '@' || c == '\t', "cell starts with " + c + ": " + line);
                }
            }

            // and as JSON: literal names, no sealed identities left
            Run asJson = run(json.body(), "unseal", "--key", key);
            assertEquals(0, asJson.exit());
            JsonNode j = Json.MAPPER.readTree(asJson.out());
            assertEquals(NAMES.get(0), j.path("contacts").get(0).path("name").asText());
            assertEquals("+821030000000", j.path("contacts").get(0).path("phone").asText());
            assertFalse(asJson.out().contains("sealedIdentity"));
            assertEquals("CASE-2026-0042", j.path("caseRef").asText());
        }
    }

    @Test
    void venueVisitsExportUnsealsToo() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Officials.add(t, "kim");
            TestApp.Device door = t.venueWithDevice("Cafe");
            TestApp.Visitor v = t.register("@Lee", "010-1234-5678");
            Officials.scanAt(t, door, v, T, "in");
            t.clock.set(T.plus(Duration.ofHours(1)));
            String token = Officials.token(t, "kim");
            // a venue is listed only within the reach of a trace under the same caseRef
            assertEquals(200, t.post("/api/traces", Officials.trace("010-1234-5678", T.minusSeconds(60),
                    T.plusSeconds(60), 30, "CASE-7"), token).status());
            TestApp.Response r = t.get("/api/venues/" + door.venueId() + "/visits?from=" + T.minusSeconds(1) + "&to="
                    + T.plusSeconds(1) + "&caseRef=CASE-7", token);
            assertEquals(200, r.status(), r.body());
            Run opened = run(r.body(), "unseal", "--key", dir.resolve("authority-private.pem").toString(), "--csv");
            assertEquals(0, opened.exit(), opened.out());
            String[] lines = opened.out().split("\r\n");
            assertEquals("scanId,visitorId,scannedAt,direction,companions,name,phone", lines[0]);
            assertTrue(lines[1].endsWith("," + T + ",in,0,'@Lee,'+821012345678"), lines[1]);
        }
    }

    @Test
    void anIdentityThatDoesNotOpenIsMarkedAndTheExitIsOne() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            String export = "{\"visits\":[{\"scanId\":\"s\",\"visitorId\":\"v\",\"scannedAt\":\"2026-03-02T12:00:00Z\","
                    + "\"direction\":\"in\",\"sealedIdentity\":\"AAAA\"}]}";
            Run r = run(export, "unseal", "--key", dir.resolve("authority-private.pem").toString());
            assertEquals(1, r.exit());
            assertTrue(r.out().contains("\"unsealError\""), r.out());
            Run bad = run("not json", "unseal", "--key", dir.resolve("authority-private.pem").toString());
            assertEquals(2, bad.exit());
            assertTrue(bad.out().contains("\"ok\":false"), bad.out());
        }
    }
}
