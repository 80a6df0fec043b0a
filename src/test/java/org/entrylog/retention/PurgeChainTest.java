package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.entrylog.chain.LogVerifier;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** The hash chain stays verifiable across purges, and nothing but a purge can cut it. */
@Tag("slow")
@BothStores
class PurgeChainTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;

    @Test
    void verifyPassesAfterOnePurgeAndAfterSeveral() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            for (int day = 0; day < 6; day++) {
                for (int i = 0; i < 3; i++) {
                    Fixture.scanAt(t, d, v, T0.plus(Duration.ofDays(day)).plusSeconds(60L * i));
                }
            }
            for (int day = 0; day < 6; day++) {
                Instant asOf = T0.plus(Duration.ofDays(28 + day)).plus(Duration.ofHours(1));
                t.clock.set(asOf);
                PurgeResult r = Fixture.purge(t, asOf);
                assertEquals(3, r.purgedScans(), "day " + day);
                LogVerifier.Result check = Fixture.verify(t);
                assertTrue(check.ok(), check.problem());
                assertEquals(15 - 2L * day, check.entries()); // 3 purged a day, 1 added a day
                assertEquals(1, check.purgeCuts(), "the remaining chain starts after a vouched cut");
                // New scans keep chaining on after a purge.
                Fixture.scanAt(t, d, v, asOf);
            }
            assertTrue(Fixture.verify(t).ok());
        }
    }

    @Test
    void aLateOfflineScanPurgedFromTheMiddleLeavesAVouchedCut() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            String first = Fixture.scanAt(t, d, v, T0.plus(Duration.ofHours(20)));
            // Scanned at T0 on a tablet that was offline, received 22 h later: seq 2, but the oldest.
            String late = Fixture.offlineScan(t, d, v, T0, T0.plus(Duration.ofHours(22)));
            String third = Fixture.scanAt(t, d, v, T0.plus(Duration.ofHours(23)));

            Instant asOf = T0.plus(Duration.ofDays(28)).plus(Duration.ofHours(1));
            t.clock.set(asOf);
            PurgeResult r = Fixture.purge(t, asOf);

            assertEquals(1, r.purgedScans());
            assertFalse(Fixture.scanHeld(t, late));
            assertTrue(Fixture.scanHeld(t, first));
            assertTrue(Fixture.scanHeld(t, third));
            LogVerifier.Result check = Fixture.verify(t);
            assertTrue(check.ok(), check.problem());
            assertEquals(2, check.entries());
            assertEquals(1, check.purgeCuts());
            assertEquals(1, t.count("SELECT count(*) FROM chain_resume WHERE seq = 3 AND purge_id = " + r.purgeId()));
        }
    }

    @Test
    void aLateOfflineScanPurgedFromTheNewestEndIsVouchedAndItsPositionIsNotReused() {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            Fixture.scanAt(t, d, v, T0.plus(Duration.ofHours(20)));
            Fixture.offlineScan(t, d, v, T0, T0.plus(Duration.ofHours(22))); // seq 2, the newest and the oldest

            Instant asOf = T0.plus(Duration.ofDays(28)).plus(Duration.ofHours(1));
            t.clock.set(asOf);
            Fixture.purge(t, asOf);

            LogVerifier.Result check = Fixture.verify(t);
            assertTrue(check.ok(), check.problem());
            assertEquals(1, check.entries());
            String next = Fixture.scanAt(t, d, v, asOf);
            assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE seq = 3"), "seq 2 is never handed out again");
            assertTrue(Fixture.scanHeld(t, next));
            check = Fixture.verify(t);
            assertTrue(check.ok(), check.problem());
            assertEquals(2, check.entries());
        }
    }

    @Test
    void theDatabaseRefusesDeletesOutsideAPurgeAndWideningAPurge() throws SQLException {
        try (TestApp t = TestApp.on(store, dir)) {
            var d = t.venueWithDevice("Cafe");
            Fixture.scanAt(t, d, t.register("Kim", "010-1234-5678"), T0);
            Instant asOf = T0.plus(Duration.ofDays(40));
            t.clock.set(asOf);
            Fixture.scanAt(t, d, t.register("Lee", "010-2222-3333"), asOf);
            Fixture.purge(t, asOf);

            try (Connection c = Fixture.outsider(t); Statement s = c.createStatement()) {
                // Outside a purge, nothing is deleted — even rows a purge would take.
                assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM scan_log"));
                assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM visitor"));
                assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE scan_log SET scanned_at = 0"));
                // A closed purge record cannot be reopened, moved, or deleted.
                assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE purge SET finished_at = NULL"));
                assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE purge SET cutoff = cutoff + 1"));
                assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM purge"));
                // With a purge open, rows at or after its cut-off are still refused, and no second purge opens.
                s.executeUpdate("INSERT INTO purge(as_of, cutoff, started_at) VALUES (1, 0, 1)");
                assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM scan_log"));
                assertThrows(SQLException.class,
                        () -> s.executeUpdate("INSERT INTO purge(as_of, cutoff, started_at) VALUES (2, 9e15, 2)"));
                assertThrows(SQLException.class, () -> s.executeUpdate(
                        "UPDATE purge SET purged_scans = -1 WHERE finished_at IS NULL"));
            }
            assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
            // The next purge closes that open record (as a crashed one) before it starts.
            PurgeResult r = Fixture.purge(t, asOf);
            assertEquals(1, r.abandonedClosed());
            assertEquals(0, t.count("SELECT count(*) FROM purge WHERE finished_at IS NULL"));
            assertEquals(1, t.count("SELECT count(*) FROM purge WHERE outcome = 'abandoned'"));
        }
    }
}
