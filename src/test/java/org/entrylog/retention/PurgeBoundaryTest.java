package org.entrylog.retention;

import static org.entrylog.retention.Fixture.DAYS_28;
import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** What a purge destroys and what it keeps, to the second, with a fixed clock. */
@Tag("slow")
@BothStores
class PurgeBoundaryTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;

    @Test
    void aScanExactlyAtTheCutoffIsKeptAndOneSecondOlderGoes() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            String older = Fixture.scanAt(t, d, v, T0);
            String atCutoff = Fixture.scanAt(t, d, v, T0.plusSeconds(1));
            String inside = Fixture.scanAt(t, d, v, T0.plusSeconds(2));

            Instant asOf = T0.plusSeconds(1).plus(DAYS_28);
            t.clock.set(asOf);
            PurgeResult r = Fixture.purge(t, asOf);

            assertEquals(T0.plusSeconds(1), r.cutoff());
            assertEquals(1, r.purgedScans());
            assertFalse(Fixture.scanHeld(t, older), "one second older than the cut-off goes");
            assertTrue(Fixture.scanHeld(t, atCutoff), "exactly at the cut-off is kept");
            assertTrue(Fixture.scanHeld(t, inside));
            assertTrue(Fixture.verify(t).ok());
        }
    }

    @Test
    void theCutoffIsTheSameWhateverTheTimeZoneOrDaylightSavingChange() {
        RetentionPolicy p = RetentionPolicy.ofDays(28);
        // 2026-03-29 is a DST change in Europe; 28 days are 28 × 86,400 s regardless.
        Instant asOf = Instant.parse("2026-04-10T01:30:00.123456Z");
        assertEquals(Instant.parse("2026-03-13T01:30:00.123Z"), p.cutoff(asOf));
        assertTrue(p.expired(Instant.parse("2026-03-13T01:30:00.122Z"), asOf));
        assertFalse(p.expired(Instant.parse("2026-03-13T01:30:00.123Z"), asOf));
    }

    @Test
    void aDryRunCountsWhatWouldGoAndChangesNothing() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var old = t.register("Old", "010-1111-2222");
            var recent = t.register("Recent", "010-3333-4444");
            Fixture.scanAt(t, d, old, T0);
            Fixture.scanAt(t, d, old, T0.plusSeconds(60));
            Fixture.scanAt(t, d, recent, T0.plus(Duration.ofDays(20)));

            Instant asOf = T0.plus(Duration.ofDays(30));
            t.clock.set(asOf);
            long scans = t.count("SELECT count(*) FROM scan_log");
            long visitors = t.count("SELECT count(*) FROM visitor");
            long tokens = t.count("SELECT count(*) FROM token_use");
            long purges = t.count("SELECT count(*) FROM purge");

            PurgeResult dry = t.app.purger.dryRun(asOf);

            assertTrue(dry.dryRun());
            assertNull(dry.purgeId());
            assertEquals(2, dry.purgedScans());
            assertEquals(1, dry.purgedVisitors());
            assertEquals(2, dry.purgedTokenUses());
            assertEquals(scans, t.count("SELECT count(*) FROM scan_log"));
            assertEquals(visitors, t.count("SELECT count(*) FROM visitor"));
            assertEquals(tokens, t.count("SELECT count(*) FROM token_use"));
            assertEquals(purges, t.count("SELECT count(*) FROM purge"), "a dry run records no purge");

            PurgeResult real = Fixture.purge(t, asOf);
            assertEquals(dry.purgedScans(), real.purgedScans());
            assertEquals(dry.purgedVisitors(), real.purgedVisitors());
            assertEquals(dry.purgedTokenUses(), real.purgedTokenUses());
            assertEquals(dry.cutoff(), real.cutoff());
        }
    }

    @Test
    void runningTheSamePurgeTwiceDestroysNothingMore() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            Fixture.scanAt(t, d, v, T0);
            Fixture.scanAt(t, d, t.register("Lee", "010-2222-3333"), T0.plus(Duration.ofDays(10)));
            Instant asOf = T0.plus(Duration.ofDays(29));
            t.clock.set(asOf);

            PurgeResult first = Fixture.purge(t, asOf);
            PurgeResult second = Fixture.purge(t, asOf);

            assertEquals(1, first.purgedScans());
            assertEquals(1, first.purgedVisitors());
            assertEquals(0, second.purgedScans());
            assertEquals(0, second.purgedVisitors());
            assertEquals(first.cutoff(), second.cutoff());
            assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
            assertEquals(0, t.count("SELECT count(*) FROM purge WHERE finished_at IS NULL"));
            assertTrue(Fixture.verify(t).ok());
        }
    }

    @Test
    void anIdentityGoesOnlyWithNoRegistrationPassOrVisitSinceTheCutoff() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var gone = t.register("Gone", "010-1000-0001");          // registered and seen at T0 only
            var visitedLater = t.register("Later", "010-1000-0002");  // seen at T0, visits again at day 20
            var registeredOnly = t.register("Reg", "010-1000-0003");  // registered at T0, never scanned
            Fixture.scanAt(t, d, gone, T0);
            Fixture.scanAt(t, d, visitedLater, T0);
            Fixture.scanAt(t, d, visitedLater, T0.plus(Duration.ofDays(20)));
            t.clock.set(T0.plus(Duration.ofDays(25)));
            var recentPass = t.register("Pass", "010-1000-0004");
            t.pass(recentPass);                                       // a pass, no visit

            Instant asOf = T0.plus(Duration.ofDays(30));
            t.clock.set(asOf);
            PurgeResult r = Fixture.purge(t, asOf);

            assertEquals(2, r.purgedScans());
            assertEquals(2, r.purgedVisitors());
            assertFalse(Fixture.visitorHeld(t, gone));
            assertFalse(Fixture.visitorHeld(t, registeredOnly));
            assertTrue(Fixture.visitorHeld(t, visitedLater), "a visit since the cut-off keeps the identity");
            assertTrue(Fixture.visitorHeld(t, recentPass), "a registration or pass since the cut-off keeps it");
        }
    }

    @Test
    void aChangedRetentionPeriodMovesTheCutoff() {
        MutableClock clock = new MutableClock(T0);
        try (TestApp t = TestApp.on(store, dir, clock, Map.of("ENTRYLOG_RETENTION_DAYS", "7"))) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            String scan = Fixture.scanAt(t, d, v, T0);

            Instant sevenDays = T0.plus(Duration.ofDays(7));
            t.clock.set(sevenDays);
            PurgeResult atSeven = Fixture.purge(t, sevenDays);
            assertEquals(T0, atSeven.cutoff());
            assertTrue(Fixture.scanHeld(t, scan), "kept for exactly seven days");

            Instant later = sevenDays.plusSeconds(1);
            t.clock.set(later);
            PurgeResult afterSeven = Fixture.purge(t, later);
            assertEquals(1, afterSeven.purgedScans());
            assertFalse(Fixture.scanHeld(t, scan));
        }
    }

    @Test
    void aPurgeAsOfAFutureInstantIsRecordedAsSuch() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            String scan = Fixture.scanAt(t, d, t.register("Kim", "010-1234-5678"), T0);
            Instant future = T0.plus(Duration.ofDays(40));

            PurgeResult r = Fixture.purge(t, future);

            assertTrue(r.futureAsOf());
            assertFalse(Fixture.scanHeld(t, scan));
            assertEquals(1, t.count("SELECT count(*) FROM purge WHERE future_as_of = 1 AND as_of = "
                    + future.toEpochMilli() + " AND outcome = 'done'"));
            // The pass is still valid now: its once-only record is kept, so it cannot be scanned again.
            assertEquals(1, t.count("SELECT count(*) FROM token_use"));
        }
    }

    @Test
    void healthShowsTheLastPurgeAndTheOldestEntry() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            Fixture.scanAt(t, d, v, T0);
            Fixture.scanAt(t, d, v, T0.plus(Duration.ofDays(5)));
            Instant asOf = T0.plus(Duration.ofDays(30));
            t.clock.set(asOf);
            Fixture.purge(t, asOf);

            TestApp.Response h = t.get("/health", null);

            assertEquals(200, h.status());
            assertEquals("ok", h.text("status"));
            assertEquals(28, h.json().path("retentionDays").asInt());
            assertEquals(T0.plus(Duration.ofDays(5)).toString(), h.text("oldestEntry"));
            var last = h.json().path("lastPurge");
            assertNotNull(last);
            assertEquals(asOf.minus(DAYS_28).toString(), last.path("cutoff").asText());
            assertEquals(1, last.path("purgedScans").asLong());
            assertEquals(asOf.toString(), last.path("asOf").asText());
            assertFalse(h.body().contains("Kim"));
        }
    }
}
