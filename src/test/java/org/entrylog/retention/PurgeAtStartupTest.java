package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server purges on start-up: a restored old backup, and a purge a crash left open. */
@Tag("slow")
class PurgeAtStartupTest {
    @TempDir
    Path dir;

    @Test
    void aRestoredOldBackupIsPurgedAtStart() throws Exception {
        String scan;
        try (TestApp t = new TestApp(dir)) {
            var d = t.venueWithDevice("Cafe");
            scan = Fixture.scanAt(t, d, t.register("Kim", "010-1234-5678"), T0);
        }
        try (TestApp t = new TestApp(dir, new MutableClock(T0.plus(Duration.ofDays(60))), Map.of())) {
            Fixture.awaitStartupRound(t);
            assertFalse(Fixture.scanHeld(t, scan));
            assertEquals(0, t.count("SELECT count(*) FROM visitor"));
            assertEquals(1, t.count("SELECT count(*) FROM purge WHERE run_by = 'server' AND purged_scans = 1"));
            assertEquals(1, t.get("/health", null).json().path("lastPurge").path("purgedScans").asLong());
        }
    }

    @Test
    void anIdleServerRecordsNoEmptyPurges() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Fixture.awaitStartupRound(t);
            assertEquals(0, t.count("SELECT count(*) FROM purge"));
        }
    }

    @Test
    void aPurgeACrashLeftOpenIsClosedAtStartSoDeleteIsRefusedAgain() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            var d = t.venueWithDevice("Cafe");
            Fixture.scanAt(t, d, t.register("Kim", "010-1234-5678"), T0.plus(Duration.ofDays(1)));
            Fixture.awaitStartupRound(t);
        }
        // As if a purge had been killed after recording itself and deleting 7 rows.
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO purge(as_of, cutoff, started_at, purged_scans, purged_visitors)"
                    + " VALUES (1, 9000000000000, 1, 7, 2)");
        }
        try (TestApp t = new TestApp(dir, new MutableClock(T0.plus(Duration.ofDays(2))), Map.of())) {
            Fixture.awaitStartupRound(t);
            assertEquals(0, t.count("SELECT count(*) FROM purge WHERE finished_at IS NULL"));
            assertEquals(1, t.count("SELECT count(*) FROM purge WHERE outcome = 'abandoned' AND purged_scans = 7"));
            try (Connection c = Fixture.outsider(t); Statement s = c.createStatement()) {
                assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM scan_log"));
            }
            assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
        }
    }
}
