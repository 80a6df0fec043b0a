package org.entrylog.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.chain.LogVerifier;
import org.entrylog.common.Json;
import org.entrylog.official.Officials;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Companions (0–9) on scans, batch items and manual entries, reported by traces, venue lists and CSV. */
@Tag("slow")
@BothStores
class CompanionsTest {
    @Parameter
    TestApp.Store store;

    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");

    @TempDir
    Path dir;
    TestApp t;

    @BeforeEach
    void start() {
        // many passes of one visitor in a few seconds: the pass limit is not what is tested here
        t = TestApp.on(store, dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private Response scan(Device d, String token, Object companions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token);
        body.put("companions", companions);
        return t.post("/api/scans", Json.write(body), d.secret());
    }

    @Test
    void zeroToNineAreAcceptedAndAnythingElseIsRefusedWithNoRow() {
        Visitor v = t.register("Kim", "010-1234-5678");
        Device d = t.venueWithDevice("Cafe");
        for (Object bad : new Object[] {10, -1, "1", 1.5, true, 4_294_967_296L, List.of(1)}) {
            Response r = scan(d, t.pass(v), bad);
            assertEquals(400, r.status(), bad + ": " + r.body());
            assertEquals("bad_request", r.text("error"));
        }
        Response manualBad = t.post("/api/manual-entries",
                Map.of("name", "Lee", "phone", "010-5555-6666", "companions", 10), d.secret());
        assertEquals(400, manualBad.status());
        assertEquals(0, t.count("SELECT count(*) FROM scan_log"));
        assertEquals(0, t.count("SELECT count(*) FROM visitor WHERE secret_hash IS NULL"), "no manual visitor either");

        for (int n = 0; n <= 9; n++) {
            assertEquals(201, scan(d, t.pass(v), n).status());
        }
        assertEquals(201, t.scan(d, t.pass(v)).status());
        assertEquals(45, t.count("SELECT sum(companions) FROM scan_log"));
        assertEquals(0, t.count("SELECT companions FROM scan_log ORDER BY seq DESC LIMIT 1"), "absent is 0");

        Response manual = t.post("/api/manual-entries",
                Map.of("name", "Lee", "phone", "010-5555-6666", "companions", 3), d.secret());
        assertEquals(201, manual.status(), manual.body());
        assertEquals(3, t.count("SELECT companions FROM scan_log WHERE source = 1"));

        String batch = "{\"scans\":[{\"token\":\"" + t.pass(v) + "\",\"scannedAt\":\"" + t.clock.instant()
                + "\",\"companions\":2},{\"token\":\"" + t.pass(v) + "\",\"scannedAt\":\"" + t.clock.instant()
                + "\",\"companions\":12}]}";
        Response b = t.post("/api/scans/batch", batch, d.secret());
        assertEquals(200, b.status(), b.body());
        assertEquals(201, b.json().path("results").get(0).path("status").asInt());
        assertEquals(400, b.json().path("results").get(1).path("status").asInt());
        assertEquals("bad_request", b.json().path("results").get(1).path("error").asText());
        assertEquals(13, t.count("SELECT count(*) FROM scan_log"));
        LogVerifier.Result r = t.app.db.read(ScanStore::verify);
        assertTrue(r.ok(), r.toString());
    }

    @Test
    void tracesVenueListsAndCsvReportCompanions() {
        Officials.add(t, "kim");
        Device door = t.venueWithDevice("Library");
        Visitor caseV = t.register("Case", "010-1234-5678");
        Visitor grandma = t.register("Grandma", "010-9999-8888");
        t.clock.set(T);
        assertEquals(201, scan(door, t.pass(caseV), 1).status());
        t.clock.set(T.plusSeconds(300));
        assertEquals(201, scan(door, t.pass(grandma), 2).status());

        t.clock.set(T.plus(Duration.ofDays(1)));
        String token = Officials.token(t, "kim");
        Map<String, Object> body = Officials.trace("01012345678", T.minus(Duration.ofHours(1)),
                T.plus(Duration.ofHours(1)), 30, "CASE-2026-0007");
        Response trace = t.post("/api/traces", body, token);
        assertEquals(200, trace.status(), trace.body());
        assertEquals(1, trace.json().path("visits").get(0).path("companions").asInt());
        JsonNode contact = trace.json().path("contacts").get(0);
        assertEquals(2, contact.path("companions").asInt(), trace.body());

        // a venue is listed only within the trace's reach: its window around the case's visit there
        String q = "?from=" + T.minus(Duration.ofMinutes(30)) + "&to=" + T.plus(Duration.ofMinutes(30))
                + "&caseRef=CASE-2026-0007";
        Response list = t.get("/api/venues/" + door.venueId() + "/visits" + q, token);
        assertEquals(200, list.status(), list.body());
        assertEquals(1, list.json().path("visits").get(0).path("companions").asInt());
        assertEquals(2, list.json().path("visits").get(1).path("companions").asInt());

        Response csv = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/venues/" + door.venueId() + "/visits" + q))
                .header("Accept", "text/csv").GET(), token);
        assertEquals(200, csv.status(), csv.body());
        String[] lines = csv.body().split("\r\n");
        assertEquals("\uFEFFscanId,visitorId,scannedAt,direction,companions,sealedIdentity", lines[0],
                "the CSV begins with a UTF-8 byte order mark");
        assertTrue(lines[2].contains(",in,2,"), lines[2]);
    }
}
