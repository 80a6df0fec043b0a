package org.entrylog.transparency;

import io.javalin.http.Context;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import org.entrylog.scan.ScanQueries;
import org.entrylog.store.Database;
import org.entrylog.web.Http;

/**
 * {@code GET /api/transparency}: public aggregates of what the server holds, so visitors can
 * check what the pass page promises (the retention period) against the live figures.
 *
 * <p>A first cut: retention days, entries held and the oldest entry. Purges, official queries
 * per month and active officials and devices are still to come (DESIGN "Signed statements").
 * Counts below 5 are answered as {@code "<5"}, as DESIGN asks, so a quiet venue's single
 * visit cannot be singled out from the public figures.
 */
public final class TransparencyController {
    static final int SMALL_COUNT = 5;

    private final Database db;
    private final int retentionDays;

    public TransparencyController(Database db, int retentionDays) {
        this.db = db;
        this.retentionDays = retentionDays;
    }

    public void figures(Context ctx) {
        long entries = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM scan_log");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        Long oldest = ScanQueries.oldestScan(db);
        Http.json(ctx, 200, Http.obj(
                "retentionDays", retentionDays,
                "entriesHeld", coarse(entries),
                "oldestEntry", oldest == null ? null : Instant.ofEpochMilli(oldest).toString()));
    }

    /** A count as a number, or {@code "<5"} when it is small enough to point at someone. */
    static Object coarse(long n) {
        return n > 0 && n < SMALL_COUNT ? "<" + SMALL_COUNT : (Object) n;
    }
}
