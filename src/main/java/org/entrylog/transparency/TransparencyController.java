package org.entrylog.transparency;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.config.Config;
import org.entrylog.chain.ChainHead;
import org.entrylog.retention.PurgeLog;
import org.entrylog.scan.ScanStore;
import org.entrylog.venue.VenueService;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;
import org.entrylog.web.Http;

/**
 * {@code GET /api/transparency}: what the register holds and how it is used, in aggregates only —
 * no id of any visitor, venue, device or official, and every count below 5 shown as
 * {@code "<5"} so that nobody can be singled out.
 */
public final class TransparencyController {
    /** Counts below this are suppressed. */
    public static final int SMALL = 5;
    static final String QUERY_ACTIONS = "('POST /api/traces', 'GET /api/venues/{venueId}/visits')";

    private final Database db;
    private final Config config;

    public TransparencyController(Database db, Config config) {
        this.db = db;
        this.config = config;
    }

    /** A count as published: the number, or {@code "<5"} when it is 1 to 4. */
    public static Object count(long n) {
        return n > 0 && n < SMALL ? "<" + SMALL : n;
    }

    public void get(Context ctx) {
        Http.json(ctx, 200, db.read(this::figures));
    }

    Map<String, Object> figures(Connection c) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("entriesHeld", count(entriesHeld(c)));
        Long oldest = ScanStore.oldest(c);
        m.put("oldestEntry", oldest == null ? null : Instant.ofEpochMilli(oldest).toString());
        m.put("retentionDays", config.retentionDays());
        m.put("auditRetentionDays", config.auditRetentionDays());
        m.put("purges", purges(c));
        m.put("queriesPerMonth", queriesPerMonth(c));
        m.put("officialsActive", count(Sql.value(c, "SELECT count(*) FROM official WHERE disabled_at IS NULL")));
        m.put("devicesActive", count(VenueService.activeDevices(c)));
        m.put("venues", count(VenueService.count(c)));
        return m;
    }

    /** Rows ever appended less rows purged: exact, and O(1) however large the log. */
    static long entriesHeld(Connection c) throws SQLException {
        return ChainHead.read(c, ScanStore.NAME).entries() - PurgeLog.purgedScans(c);
    }

    private static List<Map<String, Object>> purges(Connection c) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT finished_at, as_of, cutoff, purged_scans, purged_visitors"
                + " FROM purge WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 100");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("at", Instant.ofEpochMilli(rs.getLong(1)).toString());
                p.put("asOf", Instant.ofEpochMilli(rs.getLong(2)).toString());
                p.put("cutoff", Instant.ofEpochMilli(rs.getLong(3)).toString());
                p.put("purgedScans", count(rs.getLong(4)));
                p.put("purgedVisitors", count(rs.getLong(5)));
                out.add(p);
            }
        }
        return out;
    }

    /** Official queries answered per month (UTC), and how many distinct visitor records they returned. */
    private static List<Map<String, Object>> queriesPerMonth(Connection c) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        String month = "strftime('%Y-%m', a.at / 1000, 'unixepoch')";
        try (PreparedStatement ps = c.prepareStatement("SELECT " + month + " AS month, count(DISTINCT a.seq),"
                + " (SELECT count(DISTINCT x.visitor) FROM audit_access x JOIN audit_log b ON b.seq = x.audit_seq"
                + "  WHERE strftime('%Y-%m', b.at / 1000, 'unixepoch') = " + month + ")"
                + " FROM audit_log a WHERE a.status = 200 AND a.action IN " + QUERY_ACTIONS
                + " GROUP BY month ORDER BY month DESC LIMIT 24");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Map<String, Object> q = new LinkedHashMap<>();
                q.put("month", rs.getString(1));
                q.put("queries", count(rs.getLong(2)));
                q.put("recordsReturned", count(rs.getLong(3)));
                out.add(q);
            }
        }
        return out;
    }
}
