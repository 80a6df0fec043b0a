package org.entrylog.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

@Tag("slow")
@BothStores
class ScanFlowTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;
    TestApp t;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void aFreshPassIsAcceptedOnceAndLoggedDurably() {
        Visitor v = t.register("Kim Minsu", "010-1234-5678");
        Device d = t.venueWithDevice("Cafe");
        Response r = t.scan(d, t.pass(v));
        assertEquals(201, r.status(), r.body());
        assertEquals(d.venueId(), r.text("venueId"));
        assertFalse(r.json().path("duplicate").asBoolean());
        assertEquals("2026-03-02T09:00:00Z", r.text("scannedAt"));
        assertEquals(22, r.text("scanId").length());
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void theSameTokenAgainAtTheSameVenueIsADuplicateWithNoNewRow() {
        Visitor v = t.register("Kim", "01012345678");
        Device d = t.venueWithDevice("Cafe");
        Device d2 = t.enroll(t.app.venues.add("Other door", null).enrollmentCode());
        String token = t.pass(v);
        Response first = t.scan(d, token);
        Response again = t.scan(d, token);
        assertEquals(200, again.status());
        assertTrue(again.json().path("duplicate").asBoolean());
        assertEquals(first.text("scanId"), again.text("scanId"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
        // a different venue
        Response elsewhere = t.scan(d2, token);
        assertEquals(409, elsewhere.status());
        assertEquals("token_used_elsewhere", elsewhere.text("error"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void twoTabletsRacingWithOneTokenGetExactlyOneRow() throws Exception {
        Visitor v = t.register("Kim", "01012345678");
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            devices.add(t.venueWithDevice("Venue " + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String token = t.pass(v);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (Device d : devices) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        return t.scan(d, token);
                    }));
                }
                go.countDown();
                int accepted = 0;
                int refused = 0;
                for (Future<Response> f : answers) {
                    int s = f.get().status();
                    if (s == 201) {
                        accepted++;
                    } else if (s == 409) {
                        refused++;
                    }
                }
                assertEquals(1, accepted);
                assertEquals(7, refused);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, t.count("SELECT count(*) FROM scan_log"));
        assertEquals(5, t.count("SELECT count(*) FROM token_use"));
    }

    @Test
    void aBatchAnswersPerItemInOrderAndIsSafeToResend() {
        Visitor a = t.register("A", "01011112222");
        Visitor b = t.register("B", "01033334444");
        Device d = t.venueWithDevice("Gym");
        Device other = t.venueWithDevice("Pool");
        String ta = t.pass(a);
        String tb = t.pass(b);
        String usedElsewhere = t.pass(a);
        assertEquals(201, t.scan(other, usedElsewhere).status());
        t.clock.advance(Duration.ofMinutes(10)); // the tablet was offline; posting now
        String body = """
                {"scans":[
                  {"token":"%s","scannedAt":"2026-03-02T09:00:05Z"},
                  {"token":"hello","scannedAt":"2026-03-02T09:00:06Z"},
                  {"token":"%s","scannedAt":"2026-03-02T09:00:07Z","direction":"out"},
                  {"token":"%s","scannedAt":"2026-03-02T09:00:08Z"},
                  {"token":42}
                ]}""".formatted(ta, tb, usedElsewhere);
        Response first = t.post("/api/scans/batch", body, d.secret());
        assertEquals(200, first.status(), first.body());
        var results = first.json().path("results");
        assertEquals(5, results.size());
        assertEquals(201, results.get(0).path("status").asInt());
        assertEquals("2026-03-02T09:00:05Z", results.get(0).path("scannedAt").asText());
        assertEquals(400, results.get(1).path("status").asInt());
        assertEquals("token_malformed", results.get(1).path("error").asText());
        assertEquals(201, results.get(2).path("status").asInt());
        assertEquals(409, results.get(3).path("status").asInt());
        assertEquals("token_used_elsewhere", results.get(3).path("error").asText());
        assertEquals(400, results.get(4).path("status").asInt());
        long rows = t.count("SELECT count(*) FROM scan_log");
        assertEquals(3, rows);
        assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE direction = 1"));

        Response resend = t.post("/api/scans/batch", body, d.secret());
        var again = resend.json().path("results");
        assertEquals(200, again.get(0).path("status").asInt());
        assertTrue(again.get(0).path("duplicate").asBoolean());
        assertEquals(results.get(0).path("scanId"), again.get(0).path("scanId"));
        assertEquals(results.get(2).path("scanId"), again.get(2).path("scanId"));
        assertEquals(rows, t.count("SELECT count(*) FROM scan_log"), "a resent batch adds no rows");
    }

    @Test
    void aBatchOfMoreThan500IsRefusedWhole() {
        Device d = t.venueWithDevice("Gym");
        StringBuilder sb = new StringBuilder("{\"scans\":[");
        for (int i = 0; i < 501; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"token\":\"x\"}");
        }
        Response r = t.post("/api/scans/batch", sb.append("]}").toString(), d.secret());
        assertEquals(400, r.status());
        assertEquals("bad_request", r.text("error"));
    }

    @Test
    void anOfflineScanOlderThanTheWindowIsRefusedClearly() {
        Visitor v = t.register("A", "01011112222");
        Device d = t.venueWithDevice("Gym");
        String token = t.pass(v);
        t.clock.advance(Duration.ofHours(24).plusSeconds(1));
        Response r = t.post("/api/scans", Map.of("token", token, "scannedAt", "2026-03-02T09:00:00Z"), d.secret());
        assertEquals(400, r.status());
        assertTrue(r.text("message").contains("offline window"), r.body());
        assertEquals(0, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void anOfflineScanWithinTheWindowKeepsItsOriginalTime() {
        Visitor v = t.register("A", "01011112222");
        Device d = t.venueWithDevice("Gym");
        String token = t.pass(v);
        t.clock.advance(Duration.ofHours(23));
        Response r = t.post("/api/scans", Map.of("token", token, "scannedAt", "2026-03-02T09:00:10Z"), d.secret());
        assertEquals(201, r.status(), r.body());
        assertEquals("2026-03-02T09:00:10Z", r.text("scannedAt"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE received_at - scanned_at = 82790000"));
    }

    @Test
    void aTabletClockTenMinutesOffIsOverruledByServerTimeAndFlagged() {
        Visitor v = t.register("A", "01011112222");
        Device d = t.venueWithDevice("Gym");
        // ten minutes fast
        Response fast = t.post("/api/scans", Map.of("token", t.pass(v), "scannedAt", "2026-03-02T09:10:00Z"), d.secret());
        assertEquals(201, fast.status(), fast.body());
        assertEquals("2026-03-02T09:00:00Z", fast.text("scannedAt"));
        // ten minutes slow: before the pass existed
        Response slow = t.post("/api/scans", Map.of("token", t.pass(v), "scannedAt", "2026-03-02T08:50:00Z"), d.secret());
        assertEquals(201, slow.status(), slow.body());
        assertEquals("2026-03-02T09:00:00Z", slow.text("scannedAt"));
        assertEquals(2, t.count("SELECT count(*) FROM scan_log WHERE device_time IS NOT NULL"));
    }

    @Test
    void manualEntriesSealTheIdentityAndLogTheVisit() {
        Device d = t.venueWithDevice("Market");
        Response r = t.post("/api/manual-entries", Map.of("name", "Park Jiwoo", "phone", "+82 10 9876 5432"), d.secret());
        assertEquals(201, r.status(), r.body());
        assertFalse(r.json().path("duplicate").asBoolean());
        assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE source = 1"));
        assertEquals(1, t.count("SELECT count(*) FROM visitor WHERE secret_hash IS NULL"));
        Response bad = t.post("/api/manual-entries", Map.of("name", "Park", "phone", "12"), d.secret());
        assertEquals(400, bad.status());
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void aRevokedDeviceIsRefusedAtItsNextRequest() {
        Visitor v = t.register("A", "01011112222");
        Device d = t.venueWithDevice("Gym");
        assertEquals(201, t.scan(d, t.pass(v)).status());
        assertTrue(t.app.venues.revoke(d.id()));
        Response r = t.scan(d, t.pass(v));
        assertEquals(401, r.status());
        assertEquals("unauthorized", r.text("error"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }
}
