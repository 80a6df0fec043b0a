package org.entrylog.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.common.Ids;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.scan.Source;
import org.entrylog.testing.TestApp;
import org.entrylog.visitor.VisitorService;

/** Steps shared by the retention tests: scans at chosen instants, bulk old rows, direct looks at the file. */
final class Fixture {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final Duration DAYS_28 = Duration.ofDays(28);

    private Fixture() {}

    /** A scan whose scannedAt is {@code at}: the clock is set there, a fresh pass is shown, the tablet scans. */
    static String scanAt(TestApp t, TestApp.Device d, TestApp.Visitor v, Instant at) {
        awaitStartupRound(t); // before the test moves the clock, so that round cannot purge early
        t.clock.set(at);
        TestApp.Response r = t.scan(d, t.pass(v));
        assertEquals(201, r.status(), r.body());
        return r.text("scanId");
    }

    /**
     * A scan from a tablet that was offline: the pass is shown at {@code at}, the scan reaches the
     * server at {@code receivedAt} carrying {@code scannedAt = at}.
     */
    static String offlineScan(TestApp t, TestApp.Device d, TestApp.Visitor v, Instant at, Instant receivedAt) {
        awaitStartupRound(t);
        t.clock.set(at);
        String token = t.pass(v);
        t.clock.set(receivedAt);
        TestApp.Response r = t.post("/api/scans", Map.of("token", token, "scannedAt", at.toString()), d.secret());
        assertEquals(201, r.status(), r.body());
        return r.text("scanId");
    }

    /**
     * {@code n} scans by {@code n / perVisitor} new visitors, appended through the server's write
     * queue as the scan service appends them (fast: no HTTP, no passes), scanned at {@code at} plus
     * i milliseconds.
     */
    static void bulkScans(TestApp t, int n, int perVisitor, Instant at) {
        awaitStartupRound(t);
        long[] ids = deviceIds(t);
        int done = 0;
        while (done < n) {
            int start = done;
            int batch = Math.min(1000, n - done);
            t.app.writes.execute(c -> {
                long visitor = -1;
                for (int i = start; i < start + batch; i++) {
                    if (i % perVisitor == 0 || visitor < 0) {
                        visitor = VisitorService.insert(c, Ids.newId(), Ids.randomBytes(90), Ids.randomBytes(32),
                                null, at.toEpochMilli());
                    }
                    long when = at.toEpochMilli() + i;
                    ScanStore.append(c, new ScanStore.Entry(Ids.newId(), ids[1], ids[0], visitor, when, when, null,
                            Direction.IN, Source.MANUAL));
                }
                return null;
            });
            done += batch;
        }
    }

    /** {device.id, device.venue_id} of the first enrolled device. */
    static long[] deviceIds(TestApp t) {
        return t.app.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, venue_id FROM device ORDER BY id LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        });
    }

    static LogVerifier.Result verify(TestApp t) {
        return t.app.db.read(ScanStore::verify);
    }

    static boolean scanHeld(TestApp t, String scanId) {
        return t.app.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM scan_log WHERE scan_id = ?")) {
                ps.setBytes(1, Ids.decode(scanId, 16));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            }
        });
    }

    static boolean visitorHeld(TestApp t, TestApp.Visitor v) {
        return t.app.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM visitor WHERE public_id = ?")) {
                ps.setBytes(1, Ids.decode(v.id(), 16));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            }
        });
    }

    /** A writable connection of its own on the store, as an operator with sqlite3 or psql would have. */
    static Connection outsider(TestApp t) throws SQLException {
        return t.connect();
    }

    static PurgeResult purge(TestApp t, Instant asOf) {
        return t.app.purger.purge(asOf, Duration.ofSeconds(30));
    }

    /** Waits (up to 10 s) for the server's start-up purge round to have finished. */
    static void awaitStartupRound(TestApp t) {
        t.awaitStartupPurge(Duration.ofSeconds(10));
    }
}
