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
 * {@code unseal --csv} or {@code --format sormas}: a spreadsheet must see the literal text
 * (docs/threat-model.md T15, T38), a Korean phone number as written and Korean names through
 * the byte order mark (T48).
 */
@Tag("slow")
class ExportRoundTripTest {
    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final List<String> NAMES = List.of("=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)",
            "=cmd|'/C calc'!A0", "김민준, \"Jun\"");

    @TempDir
    Path dir;

    record Run(int exit, String out, byte[] bytes) {}

    static synchronized Run run(String stdin, String... args) {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Run(exit, buf.toString(StandardCharsets.UTF_8), buf.toByteArray());
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
            assertTrue(csv.body().startsWith("\uFEFFcaseRef,kind,visitorId,venueId,venueName,scannedAt,direction,companions,area,sameArea,sealedIdentity\r\n"));
            assertTrue(csv.body().contains(",\"'=Venue,\"\"A\"\"\","), csv.body());
            assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE format = 'csv' AND status = 200"));

            // offline: unseal with the authority's private key
            String key = dir.resolve("authority-private.pem").toString();
            Run opened = run(json.body(), "unseal", "--key", key, "--csv");
            assertEquals(0, opened.exit(), opened.out());
            String out = opened.out();
            assertBom(opened.bytes());
            assertTrue(out.startsWith("\uFEFFcaseRef,kind,visitorId,venueId,venueName,scannedAt,direction,companions,area,sameArea,name,phone\r\n"), out);
            // Korean numbers in national form: shown as written, no formula guard needed (docs/threat-model.md T48)
            assertTrue(out.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",010-3000-0000\r\n"), out);
            assertTrue(out.contains(",'+1,010-3000-0001\r\n"), out);
            assertTrue(out.contains(",'-2,010-3000-0002\r\n"), out);
            assertTrue(out.contains(",'@SUM(A1),010-3000-0003\r\n"), out);
            assertTrue(out.contains(",'=cmd|'/C calc'!A0,010-3000-0004\r\n"), out);
            assertTrue(out.contains(",\"김민준, \"\"Jun\"\"\",010-3000-0005\r\n"), out);
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
            Run opened = run(venueExport(t, "@Lee", "010-1234-5678"), "unseal", "--key", dir.resolve("authority-private.pem").toString(), "--csv");
            assertEquals(0, opened.exit(), opened.out());
            String[] lines = opened.out().split("\r\n");
            assertEquals("\uFEFFscanId,visitorId,scannedAt,direction,companions,name,phone", lines[0]);
            assertTrue(lines[1].endsWith("," + T + ",in,0,'@Lee,010-1234-5678"), lines[1]);
        }
    }

    @Test
    void unsealFormatSormasWritesTheContactImportTemplateOneRowPerContact() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Officials.add(t, "kim");
            TestApp.Device door = t.venueWithDevice("카페 Mint");
            TestApp.Visitor caseV = t.register("Case", "010-1234-5678");
            Officials.scanAt(t, door, caseV, T, "in");
            TestApp.Visitor korean = t.register("김민준", "010-3000-0001");
            Officials.scanAt(t, door, korean, T.plusSeconds(60), "in");
            Officials.scanAt(t, door, korean, T.plusSeconds(600), "in");
            TestApp.Visitor foreign = t.register("Anna Maria Schmidt", "+49 30 12345678");
            Officials.scanAt(t, door, foreign, T.plusSeconds(120), "in");
            TestApp.Visitor formula = t.register("=HYPERLINK(\"http://x\",\"y\")", "010-3000-0003");
            Officials.scanAt(t, door, formula, T.plusSeconds(180), "in");
            t.clock.set(T.plus(Duration.ofDays(1)));
            TestApp.Response json = t.post("/api/traces", Officials.trace("01012345678", T.minus(Duration.ofHours(1)),
                    T.plus(Duration.ofHours(1)), 30, "CASE-2026-0042"), Officials.token(t, "kim"));
            assertEquals(200, json.status(), json.body());

            Run r = run(json.body(), "unseal", "--key", dir.resolve("authority-private.pem").toString(),
                    "--format", "sormas", "--zone", "Asia/Seoul", "--disease", "CORONAVIRUS");
            assertEquals(0, r.exit(), r.out());
            assertBom(r.bytes());
            String[] lines = r.out().substring(1).split("\r\n");
            // SORMAS's contact import template: the entity row, then the field paths (ImportFacadeEjb.writeTemplate)
            assertEquals("Contact,Contact,Contact,Contact,Person,Person,Person", lines[0]);
            assertEquals("caseIdExternalSystem,disease,lastContactDate,description,person.firstName,person.lastName,"
                    + "person.phone", lines[1]);
            assertEquals(2 + 3, lines.length, "one row per contact, the one seen twice once: " + r.out());
            assertEquals("CASE-2026-0042,CORONAVIRUS,02.03.2026,\"entrylog: 카페 Mint, 2026-03-02 21:01; 카페 Mint, "
                    + "2026-03-02 21:10; visitor " + korean.id() + "\",민준,김,010-3000-0001", lines[2]);
            assertEquals("CASE-2026-0042,CORONAVIRUS,02.03.2026,\"entrylog: 카페 Mint, 2026-03-02 21:02; visitor "
                    + foreign.id() + "\",Anna Maria,Schmidt,'+493012345678", lines[3],
                    "a foreign number stays E.164 and keeps the formula guard");
            assertEquals("CASE-2026-0042,CORONAVIRUS,02.03.2026,\"entrylog: 카페 Mint, 2026-03-02 21:03; visitor "
                    + formula.id() + "\",,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",010-3000-0003", lines[4]);

            // a venue's visits have no contacts to import
            Run venue = run("{\"visits\":[]}", "unseal", "--key", dir.resolve("authority-private.pem").toString(),
                    "--format", "sormas");
            assertEquals(2, venue.exit(), venue.out());
            assertTrue(venue.out().contains("needs a trace export"), venue.out());
            Run both = run(json.body(), "unseal", "--key", dir.resolve("authority-private.pem").toString(), "--csv",
                    "--format", "json");
            assertEquals(2, both.exit(), both.out());
        }
    }

    @Test
    void aForeignDefaultCountryWritesItsOwnNumbersNationally() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Run de = run(venueExport(t, "Lee", "+49 30 12345678"), "unseal", "--key", dir.resolve("authority-private.pem").toString(), "--format", "csv",
                    "--country", "DE");
            assertEquals(0, de.exit(), de.out());
            assertTrue(de.out().split("\r\n")[1].endsWith(",Lee,030 12345678"), de.out());
        }
    }

    /** The JSON export of a venue's visits: one visitor at T, listed within the reach of a trace of them. */
    static String venueExport(TestApp t, String name, String phone) {
        Officials.add(t, "kim");
        TestApp.Device door = t.venueWithDevice("Cafe");
        TestApp.Visitor v = t.register(name, phone);
        Officials.scanAt(t, door, v, T, "in");
        t.clock.set(T.plus(Duration.ofHours(1)));
        String token = Officials.token(t, "kim");
        // a venue is listed only within the reach of a trace under the same caseRef
        assertEquals(200, t.post("/api/traces", Officials.trace(phone, T.minusSeconds(60), T.plusSeconds(60), 30,
                "CASE-7"), token).status());
        TestApp.Response r = t.get("/api/venues/" + door.venueId() + "/visits?from=" + T.minusSeconds(1) + "&to="
                + T.plusSeconds(1) + "&caseRef=CASE-7", token);
        assertEquals(200, r.status(), r.body());
        return r.body();
    }

    static void assertBom(byte[] b) {
        assertTrue(b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF,
                "a CSV file starts with the UTF-8 byte order mark EF BB BF");
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
