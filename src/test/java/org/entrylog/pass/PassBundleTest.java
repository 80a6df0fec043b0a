package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.entrylog.common.Ids;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offline bundles over real HTTP: issued, each pass good once and only inside its slot, late batches. */
class PassBundleTest {
    @TempDir
    Path dir;
    TestApp t;
    Visitor v;
    Device cafe;
    Device bakery;

    @BeforeEach
    void start() {
        t = new TestApp(dir, MutableClock.at("2026-03-02T09:03:17Z"), Map.of());
        v = t.register("Kim", "010-1234-5678");
        cafe = t.venueWithDevice("Cafe");
        bakery = t.venueWithDevice("Bakery");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private JsonNode bundle(Visitor who) {
        Response r = t.post("/api/visitors/" + who.id() + "/pass-bundle", "", who.secret());
        assertEquals(201, r.status(), r.body());
        assertEquals("no-store", r.header("Cache-Control"));
        return r.json().get("passes");
    }

    /** The token of the slot beginning at {@code notBefore}. */
    private static String slot(JsonNode passes, String notBefore) {
        for (JsonNode p : passes) {
            if (p.get("notBefore").asText().equals(notBefore)) {
                return p.get("token").asText();
            }
        }
        throw new AssertionError("no slot at " + notBefore);
    }

    @Test
    void aBundleHoldsOnePassPerTenMinuteSlotForTheNextDay() {
        JsonNode passes = bundle(v);
        assertEquals(144, passes.size());
        JsonNode first = passes.get(0);
        assertEquals(List.of("token", "notBefore", "expiresAt", "qrPng"), fieldNames(first));
        assertEquals("2026-03-02T09:00:00Z", first.get("notBefore").asText());
        assertEquals("2026-03-02T09:10:00Z", first.get("expiresAt").asText());
        assertEquals("2026-03-03T09:00:00Z", passes.get(143).get("expiresAt").asText());
        Set<String> tokens = new HashSet<>();
        for (JsonNode p : passes) {
            assertTrue(p.get("token").asText().length() <= 200);
            tokens.add(p.get("token").asText());
        }
        assertEquals(144, tokens.size());
        assertEquals(401, t.post("/api/visitors/" + v.id() + "/pass-bundle", "", "wrong").status());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void aSlotPassIsAcceptedInsideItsSlotOnceAndRefusedAtASecondVenue() {
        JsonNode passes = bundle(v);
        String pass = slot(passes, "2026-03-02T12:00:00Z");
        t.clock.set(Instant.parse("2026-03-02T11:57:59Z"));
        Response early = t.scan(cafe, pass);
        assertEquals(422, early.status());
        assertEquals("token_expired", early.text("error"));
        t.clock.set(Instant.parse("2026-03-02T11:58:00Z"));
        Response ok = t.scan(cafe, pass);
        assertEquals(201, ok.status(), ok.body());
        assertEquals("2026-03-02T11:58:00Z", ok.text("scannedAt"));
        assertTrue(t.scan(cafe, pass).json().get("duplicate").asBoolean(), "again at the same venue: a duplicate");
        Response elsewhere = t.scan(bakery, pass);
        assertEquals(409, elsewhere.status());
        assertEquals("token_used_elsewhere", elsewhere.text("error"));
        t.clock.set(Instant.parse("2026-03-02T12:10:01Z"));
        Response over = t.scan(cafe, slot(passes, "2026-03-02T11:50:00Z"));
        assertEquals(422, over.status(), "an unused pass of a slot already over");
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void aBatchPostedHoursLaterWithTheOriginalScanTimeIsAccepted() {
        String pass = slot(bundle(v), "2026-03-02T12:00:00Z");
        // scanned by an offline tablet at 12:04, sent when its network returns at 17:30
        t.clock.set(Instant.parse("2026-03-02T17:30:00Z"));
        Response r = t.post("/api/scans/batch", Map.of("scans", List.of(
                Map.of("token", pass, "scannedAt", "2026-03-02T12:04:00Z"))), cafe.secret());
        assertEquals(200, r.status(), r.body());
        JsonNode item = r.json().get("results").get(0);
        assertEquals(201, item.get("status").asInt(), r.body());
        assertEquals("2026-03-02T12:04:00Z", item.get("scannedAt").asText());
        assertEquals(0, t.count("SELECT count(*) FROM scan_log WHERE device_time IS NOT NULL"), "the tablet's time kept");

        // the same pass from another tablet's queue: refused, it was used at the cafe
        Response again = t.post("/api/scans/batch", Map.of("scans", List.of(
                Map.of("token", pass, "scannedAt", "2026-03-02T12:05:00Z"))), bakery.secret());
        assertEquals(409, again.json().get("results").get(0).get("status").asInt());
        assertEquals("token_used_elsewhere", again.json().get("results").get(0).get("error").asText());
    }

    @Test
    void twoBundlePassesOfOnePersonShareNoBytesThatIdentifyThem() {
        JsonNode mine = bundle(v);
        JsonNode theirs = bundle(t.register("Lee", "010-9876-5432"));
        for (int i = 0; i + 1 < mine.size(); i += 11) {
            byte[] a = raw(mine.get(i));
            byte[] b = raw(mine.get(i + 1));
            byte[] other = raw(theirs.get(i));
            // bytes 0–6 (version, key id) and the slot's times (39–54) are the same for every
            // visitor's pass of a slot; nothing else of one person's passes repeats
            for (int k = 0; k < PassToken.LENGTH; k++) {
                boolean sharedByEveryone = k < 7 || (k >= 39 && k < 55);
                if (sharedByEveryone) {
                    assertEquals(a[k], other[k], "byte " + k + " is common to all visitors' passes of a slot");
                }
            }
            byte[] perPassA = java.util.Arrays.copyOfRange(a, 7, 39); // token id and encrypted pseudonym
            byte[] perPassB = java.util.Arrays.copyOfRange(b, 7, 39);
            assertFalse(shareAnyRun(perPassA, perPassB, 4), "passes " + i + " and " + (i + 1) + " share a 4-byte run");
            assertFalse(shareAnyRun(java.util.Arrays.copyOfRange(a, 55, 119), java.util.Arrays.copyOfRange(b, 55, 119), 4));
        }
    }

    private static byte[] raw(JsonNode pass) {
        byte[] raw = Ids.decode(pass.get("token").asText(), PassToken.LENGTH);
        assertNotNull(raw);
        assertEquals(PassToken.VERSION_SLOT, raw[0]);
        return raw;
    }

    /** Whether any {@code n} consecutive bytes of {@code a} appear anywhere in {@code b}. */
    private static boolean shareAnyRun(byte[] a, byte[] b, int n) {
        for (int i = 0; i + n <= a.length; i++) {
            for (int j = 0; j + n <= b.length; j++) {
                if (java.util.Arrays.equals(a, i, i + n, b, j, j + n)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void bundleRequestsAreLimitedPerVisitor() {
        for (int i = 0; i < 6; i++) {
            bundle(v);
        }
        Response r = t.post("/api/visitors/" + v.id() + "/pass-bundle", "", v.secret());
        assertEquals(429, r.status());
        assertEquals("rate_limited", r.text("error"));
        assertNotNull(r.header("Retry-After"));
        assertEquals(201, t.post("/api/visitors/" + v.id() + "/passes", "", v.secret()).status(),
                "the live pass has its own allowance");
    }
}
