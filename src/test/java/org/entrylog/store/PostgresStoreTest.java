package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.official.Officials;
import org.entrylog.retention.PurgeResult;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the PostgreSQL store has: scans kept in one partition per UTC day (a late offline scan in
 * its own, older day), purges that drop whole days and delete row by row only the rest of the cut-off's
 * day, with the chain still verified by the {@code verify} command; the invariants refused by the
 * database itself (plpgsql triggers, and no TRUNCATE or day drop outside a purge); and {@code backup}
 * naming PostgreSQL's tools. Skipped, saying why, when no PostgreSQL is installed (the harness,
 * testing/Postgres). A token raced across two servers is TwoServersTest's.
 */
@Tag("slow")
class PostgresStoreTest {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(T0);
    TestApp t;

    @BeforeEach
    void start() {
        t = TestApp.on(TestApp.Store.POSTGRES, dir, clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"));
        t.awaitStartupPurge(Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void theCoreFlowRunsOnPostgresAndAPurgeDropsWholeDaysWithTheChainStillVerified() {
        Officials.add(t, "kim");
        Device door = t.venueWithDevice("Cafe");
        Visitor patient = t.register("Case", "010-1234-5678");
        assertEquals(201, Officials.scanAt(t, door, patient, T0, "in").status());
        assertEquals(201, Officials.scanAt(t, door, t.register("Contact", "010-2222-3333"), T0.plusSeconds(300), "in")
                .status());
        // a tablet that was offline sends yesterday's scan: it lands in yesterday's partition
        Instant yesterday = T0.minus(Duration.ofHours(20));
        clock.set(yesterday);
        String shownYesterday = t.pass(t.register("Late", "010-4444-5555"));
        clock.set(T0.plusSeconds(600));
        Response late = t.post("/api/scans", Map.of("token", shownYesterday, "scannedAt", yesterday.toString()),
                door.secret());
        assertEquals(201, late.status(), late.body());
        assertEquals(yesterday.toString(), late.text("scannedAt"));
        assertEquals(1, days("20260301"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log_d20260301"));
        assertEquals(2, t.count("SELECT count(*) FROM scan_log_d20260302"));

        clock.set(T0.plus(Duration.ofDays(1)));
        Response trace = t.post("/api/traces", Officials.trace("+82 10 1234 5678", T0.minus(Duration.ofHours(6)),
                T0.plus(Duration.ofHours(6)), 30, "CASE-2026-0001"), Officials.token(t, "kim"));
        assertEquals(200, trace.status(), trace.body());
        assertEquals(1, trace.json().path("contacts").size(), trace.body());

        // cut-off 09:03 on 2 March: 1 March goes as a whole day, 2 March keeps the contact at 09:05
        Instant asOf = T0.plusSeconds(180).plus(Duration.ofDays(28));
        clock.set(asOf);
        PurgeResult r = t.app.purger.purge(asOf, Duration.ofSeconds(30));
        assertEquals(2, r.purgedScans(), r.toString());
        assertEquals(0, days("20260301"), "the whole day's partition is dropped, not emptied");
        assertEquals(1, t.count("SELECT count(*) FROM scan_log_d20260302"));
        assertEquals(1, t.count("SELECT count(*) FROM purge WHERE outcome = 'done' AND purged_scans = 2"));

        Cli.Run verify = Cli.withEnv(t.sameStore(), "verify", "--data", dir.toString());
        assertEquals(0, verify.exit(), verify.out());
        assertTrue(verify.json().path("ok").asBoolean(), verify.out());

        Cli.Run backup = Cli.withEnv(t.sameStore(), "backup", "--data", dir.toString(), "--to",
                dir.resolve("copy.db").toString());
        assertEquals(3, backup.exit(), backup.out());
        assertTrue(backup.out().contains("pg_dump") && backup.out().contains("pg_basebackup"), backup.out());
        assertTrue(!backup.out().contains("password"), "the URL's credentials are never printed");
    }

    @Test
    void theDatabaseItselfRefusesEditsTruncationsAndDropsOfTheLog() throws Exception {
        Device door = t.venueWithDevice("Cafe");
        assertEquals(201, t.scan(door, t.pass(t.register("Kim", "010-1234-5678"))).status());
        try (Connection c = t.connect()) {
            refused(c, "UPDATE scan_log SET companions = 1", "append-only");
            refused(c, "DELETE FROM scan_log", "only by a retention purge");
            refused(c, "DELETE FROM scan_log_d20260302", "only by a retention purge");
            refused(c, "TRUNCATE scan_log", "append-only");
            refused(c, "TRUNCATE scan_log_d20260302", "append-only");
            refused(c, "TRUNCATE notice", "only by a retention purge"); // rows: NoticesTest, on both stores
            refused(c, "UPDATE scan_log_d20260302 SET area = 'terrace'", "append-only");
            refused(c, "SELECT scan_log_drop_day('scan_log_d20260302')", "only by a retention purge");
            refused(c, "DELETE FROM visitor", "only by a retention purge");
            refused(c, "UPDATE chain_head SET entries = entries", null); // allowed: the writer moves the head
            refused(c, "INSERT INTO token_use(token_id, venue_id, scan_seq, expires_at)"
                    + " SELECT token_id, venue_id, scan_seq, expires_at FROM token_use", "token_use_pkey");
            // an open purge does not widen itself: its cut-off is fixed, and a second one cannot open
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO purge(as_of, cutoff, started_at) VALUES (0, 0, 0)");
            }
            refused(c, "INSERT INTO purge(as_of, cutoff, started_at) VALUES (0, 9999999999999, 0)", "in progress");
            refused(c, "UPDATE purge SET cutoff = 9999999999999", "closed, once");
            refused(c, "DELETE FROM purge", "permanent");
            refused(c, "DELETE FROM scan_log", "only by a retention purge");
        }
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
    }

    private long days(String yyyymmdd) {
        return t.count("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = 'scan_log'::regclass AND c.relname = 'scan_log_d" + yyyymmdd + "'");
    }

    /** Runs {@code sql}: refused with {@code expected} in the message, or (null) allowed. */
    private static void refused(Connection c, String sql, String expected) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (expected == null) {
                s.execute(sql);
                return;
            }
            SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
            assertTrue(e.getMessage().contains(expected), sql + ": " + e.getMessage());
        }
    }
}
