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
import org.entrylog.audit.AuditLog;
import org.entrylog.chain.ChainHead;
import org.entrylog.notice.Notices;
import org.entrylog.official.OfficialAccounts;
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
        m.put("noticesPerMonth", noticesPerMonth(c));
        m.put("officialsActive", count(OfficialAccounts.activeCount(c)));
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
        for (PurgeLog.Closed p : PurgeLog.newest(c, 100)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", Instant.ofEpochMilli(p.finishedAt()).toString());
            m.put("asOf", Instant.ofEpochMilli(p.asOf()).toString());
            m.put("cutoff", Instant.ofEpochMilli(p.cutoff()).toString());
            m.put("purgedScans", count(p.purgedScans()));
            m.put("purgedVisitors", count(p.purgedVisitors()));
            out.add(m);
        }
        return out;
    }

    /** Exposure notices sent and acknowledged per month (UTC): each counted in the month it happened. */
    private static List<Map<String, Object>> noticesPerMonth(Connection c) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Notices.Month month : Notices.perMonth(c)) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("month", month.month());
            q.put("sent", count(month.sent()));
            q.put("acknowledged", count(month.acknowledged()));
            out.add(q);
        }
        return out;
    }

    /** Official queries answered per month (UTC), and how many distinct visitor records they returned. */
    private static List<Map<String, Object>> queriesPerMonth(Connection c) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditLog.Month month : AuditLog.queriesPerMonth(c, QUERY_ACTIONS)) {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("month", month.month());
            q.put("queries", count(month.queries()));
            q.put("recordsReturned", count(month.recordsReturned()));
            out.add(q);
        }
        return out;
    }
}
