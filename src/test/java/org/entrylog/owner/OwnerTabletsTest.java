package org.entrylog.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.official.Officials;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.QrImages;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * A venue owner's tablets over real HTTP (issue 16): the owner names a tablet and gives it an area,
 * which its scans then record; revokes it, and its next scan is refused; makes a new enrollment code,
 * and the old one stops enrolling while the new one enrolls; every change is in the audit log under
 * the owner's name. Another owner's venue, or another venue's tablet, is the same 404 as none, and
 * an owner reaches no trace, visit list or visitor.
 */
@Tag("slow") // a server and Argon2id sign-ins per test
@BothStores
class OwnerTabletsTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;
    TestApp t;
    String code;
    TestApp.Device door;
    TestApp.Device bar;
    String owner;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir, org.entrylog.testing.MutableClock.at("2026-03-02T09:00:00Z"),
                Map.of("ENTRYLOG_PUBLIC_URL", "https://entry.example.kr"));
        code = t.app.venues.add("Cafe", null, null, 50, null).enrollmentCode();
        door = t.enroll(code);
        bar = t.venueWithDevice("Bar");
        Owners.add(t, "cafe.owner", door.venueId());
        owner = Owners.token(t, "cafe.owner");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private String devices(String venueId) {
        return "/api/owner/venues/" + venueId + "/devices";
    }

    private TestApp.Response scanWithQueue(TestApp.Device d, TestApp.Visitor v, int queued, Instant oldest) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.base + "/api/scans"))
                .header("Content-Type", "application/json")
                .header("X-Entrylog-Queued", String.valueOf(queued))
                .header("X-Entrylog-Oldest-Queued", oldest.toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + t.pass(v) + "\"}"));
        return t.send(b, d.secret());
    }

    @Test
    void anOwnerNamesATabletGivesItAnAreaThatItsScansRecordAndRevokesIt() {
        TestApp.Response list = t.get(devices(door.venueId()), owner);
        assertEquals(200, list.status(), list.body());
        JsonNode tablet = list.json().path("devices").get(0);
        assertEquals(door.id(), tablet.path("deviceId").asText());
        assertEquals("Tablet 1", tablet.path("label").asText());
        assertTrue(tablet.path("area").isNull());
        assertEquals("2026-03-02T09:00:00Z", tablet.path("enrolledAt").asText());
        assertEquals(0, tablet.path("scansToday").asInt());
        assertFalse(tablet.path("revoked").asBoolean());

        TestApp.Response edited = t.post(devices(door.venueId()) + "/" + door.id(),
                Map.of("label", "Front door", "area", "terrace"), owner);
        assertEquals(200, edited.status(), edited.body());
        assertEquals("Front door", edited.text("label"));
        assertEquals("terrace", edited.text("area"));

        // a scan records the tablet's area, in the chain; the tablet's queue report comes with it
        TestApp.Visitor v = t.register("Hong Gildong", "010-1234-5678");
        t.clock.advance(Duration.ofMinutes(2));
        Instant oldest = t.clock.instant().minusSeconds(600);
        assertEquals(201, scanWithQueue(door, v, 3, oldest).status());
        assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE area = 'terrace'"));
        assertTrue(t.app.db.read(ScanStore::verify).ok());

        JsonNode after = t.get(devices(door.venueId()), owner).json().path("devices").get(0);
        assertEquals("Front door", after.path("label").asText());
        assertEquals("terrace", after.path("area").asText());
        assertEquals(1, after.path("scansToday").asInt());
        assertEquals(3, after.path("queuedScans").asInt());
        assertEquals(oldest.toString(), after.path("oldestQueuedAt").asText());
        assertEquals(t.clock.instant().toString(), after.path("lastSeenAt").asText());
        // the area is cleared with an empty string; the label stays
        TestApp.Response cleared = t.post(devices(door.venueId()) + "/" + door.id(), Map.of("area", ""), owner);
        assertEquals("Front door", cleared.text("label"));
        assertTrue(cleared.json().path("area").isNull());
        assertEquals(400, t.post(devices(door.venueId()) + "/" + door.id(), Map.of("label", "x".repeat(41)), owner)
                .status());
        assertEquals(400, t.post(devices(door.venueId()) + "/" + door.id(), Map.of(), owner).status());

        TestApp.Response revoked = t.post(devices(door.venueId()) + "/" + door.id() + "/revoke", "", owner);
        assertEquals(200, revoked.status(), revoked.body());
        assertTrue(revoked.json().path("revoked").asBoolean());
        assertEquals(401, t.scan(door, t.pass(v)).status(), "the revoked tablet's next scan is refused");
        assertTrue(t.get(devices(door.venueId()), owner).json().path("devices").get(0).path("revoked").asBoolean());

        // each change is in the audit log under the owner's name, with no case and no visitor
        assertEquals(3, t.count("SELECT count(*) FROM audit_log WHERE official = 'cafe.owner' AND status = 200"
                + " AND action LIKE 'POST /api/owner/venues/{venueId}/devices/{deviceId}%' AND case_ref IS NULL"
                + " AND visitor_ids = '[]'"));
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE official = 'cafe.owner'"
                + " AND action = 'POST /api/owner/venues/{venueId}/devices/{deviceId}/revoke'"
                + " AND query LIKE '%" + door.id() + "%'"));
        assertTrue(t.app.db.read(org.entrylog.audit.AuditLog::verify).ok());
    }

    @Test
    void aNewCodeStopsTheOldOneAtOnceEnrollsWithTheNewOneAndIsPrintedInTheKit() throws Exception {
        TestApp.Response made = t.post("/api/owner/venues/" + door.venueId() + "/enrollment-code", "", owner);
        assertEquals(201, made.status(), made.body());
        assertEquals("no-store", made.header("Cache-Control"));
        String fresh = made.text("enrollmentCode");
        assertEquals("https://entry.example.kr/scan?enroll=" + fresh, made.text("enrollmentUrl"));
        assertEquals(made.text("enrollmentUrl"), QrImages.decodeDataUrl(made.text("enrollmentQrPng")));
        assertEquals("https://entry.example.kr/pass", QrImages.decodeDataUrl(made.text("passQrPng")));

        assertEquals(401, t.post("/api/devices", Map.of("enrollmentCode", code), null).status(), "the old code");
        TestApp.Device second = t.enroll(fresh);
        assertEquals(door.venueId(), second.venueId());
        assertEquals(201, t.scan(door, t.pass(t.register("Kim Minji", "010-2222-3333"))).status(),
                "tablets enrolled with the old code keep working");

        String kit = Files.readString(dir.resolve("kits").resolve(door.venueId() + ".html"), StandardCharsets.UTF_8);
        assertEquals(made.text("enrollmentUrl"), QrImages.decodeImgById(kit, "enrollment-qr"));
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE official = 'cafe.owner'"
                + " AND action = 'POST /api/owner/venues/{venueId}/enrollment-code' AND status = 201"));
        assertFalse(t.count("SELECT count(*) FROM audit_log WHERE query LIKE '%" + fresh + "%'") > 0,
                "the code itself is never logged");
    }

    @Test
    void anotherOwnersVenueAndAnotherVenuesTabletAreTheSame404AsNone() {
        TestApp.Response none = t.get(devices("AAAAAAAAAAAAAAAAAAAAAA"), owner);
        assertEquals(404, none.status());
        TestApp.Response[] refused = {
            t.get(devices(bar.venueId()), owner),
            t.get(devices("not-an-id"), owner),
            t.post(devices(bar.venueId()) + "/" + bar.id(), Map.of("label", "mine now"), owner),
            t.post(devices(door.venueId()) + "/" + bar.id(), Map.of("label", "mine now"), owner),
            t.post(devices(door.venueId()) + "/" + bar.id() + "/revoke", "", owner),
            t.post(devices(bar.venueId()) + "/" + bar.id() + "/revoke", "", owner),
            t.post("/api/owner/venues/" + bar.venueId() + "/enrollment-code", "", owner),
        };
        for (TestApp.Response r : refused) {
            assertEquals(404, r.status(), r.body());
            assertEquals(none.json().path("error"), r.json().path("error"));
            assertEquals(none.json().path("message"), r.json().path("message"));
        }
        assertEquals(201, t.scan(bar, t.pass(t.register("Lee Jun", "010-3333-4444"))).status(),
                "the other venue's tablet is untouched");
        assertEquals(0, t.count("SELECT count(*) FROM device WHERE label = 'mine now' OR revoked_at IS NOT NULL"));
        assertEquals(8, t.count("SELECT count(*) FROM audit_log WHERE official = 'cafe.owner' AND status = 404"),
                "refusals are recorded too");
        // an official's session is no owner's
        Officials.add(t, "kim");
        assertEquals(401, t.get(devices(door.venueId()), Officials.token(t, "kim")).status());
    }

    @Test
    void anOwnerReachesNoTraceVisitListOrVisitor() {
        TestApp.Visitor v = t.register("Hong Gildong", "010-1234-5678");
        assertEquals(201, t.scan(door, t.pass(v)).status());
        Instant from = Instant.parse("2026-03-01T00:00:00Z");
        Instant to = Instant.parse("2026-03-02T10:00:00Z");
        assertEquals(401, t.post("/api/traces", Officials.trace("010-1234-5678", from, to, 30, "CASE-1"), owner)
                .status());
        assertEquals(401, t.get("/api/venues/" + door.venueId() + "/visits?from=" + from + "&to=" + to
                + "&caseRef=CASE-1", owner).status());
        assertEquals(401, t.get("/api/visitors/" + v.id() + "/history", owner).status());
        assertEquals(401, t.post("/api/visitors/" + v.id() + "/passes", "", owner).status());
        String list = t.get(devices(door.venueId()), owner).body();
        for (String secret : new String[] {v.id(), v.secret(), door.secret(), "Hong", "010", "visitor"}) {
            assertFalse(list.contains(secret), list);
        }
    }
}
