package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The owner of {@code trace_reach} and {@code trace_contact}: what each trace found — one row per
 * case visit (caseRef, the official who traced, venue, visit time, the trace's window), and one per
 * contact presence it returned (caseRef, official, visitor, venue, when the presence began). A venue
 * list under the same caseRef is answered when its window lies within the trace's window of such a
 * visit (docs/design.md, the approval rule); an exposure notice under the same caseRef reaches only
 * such a contact (docs/design.md, Exposure notices).
 *
 * <p>Any official may use the reach of a trace under the same caseRef, not only the one who ran
 * it: a case is worked by a team, and the purpose is bound by the case and the visit, not by the
 * person (each list is still audited under its own official's name). A row goes with the scan it
 * refers to: the retention purge deletes rows whose visit is older than the scan cut-off, and
 * {@link #covers} ignores them before that purge runs.
 */
public final class TraceReach {
    private TraceReach() {}

    /** Records one case visit a trace found (on the writer's connection, with the trace's audit entry). */
    static void record(Connection c, String caseRef, String official, byte[] venue, long visitAt, long windowMillis,
                       long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trace_reach(case_ref, official, venue,"
                + " visit_at, window_ms, found_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, caseRef);
            ps.setString(2, official);
            ps.setBytes(3, venue);
            ps.setLong(4, visitAt);
            ps.setLong(5, windowMillis);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    /**
     * Whether a trace under {@code caseRef} found a case visit at this venue, not older than
     * {@code notBefore}, with [from, to] inside [visit − window, visit + window] (inclusive).
     */
    static boolean covers(Connection c, String caseRef, byte[] venue, long from, long to, long notBefore)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM trace_reach WHERE case_ref = ? AND venue = ?"
                + " AND visit_at >= ? AND visit_at - window_ms <= ? AND visit_at + window_ms >= ? LIMIT 1")) {
            ps.setString(1, caseRef);
            ps.setBytes(2, venue);
            ps.setLong(3, notBefore);
            ps.setLong(4, from);
            ps.setLong(5, to);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records one contact presence a trace returned (on the writer's connection, with the trace's audit entry). */
    static void recordContact(Connection c, String caseRef, String official, byte[] visitor, byte[] venue,
                              long visitAt, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trace_contact(case_ref, official, visitor, venue,"
                + " visit_at, found_at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, caseRef);
            ps.setString(2, official);
            ps.setBytes(3, visitor);
            ps.setBytes(4, venue);
            ps.setLong(5, visitAt);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
    }

    /** Where and when a contact overlapped the case: the venue's public id and when the presence began. */
    record ContactVisit(byte[] venue, long visitAt) {}

    /**
     * The distinct presences of {@code visitor} that a trace under {@code caseRef} returned as a
     * contact, not older than {@code notBefore}, oldest first; empty when it is no such contact.
     */
    static List<ContactVisit> contactVisits(Connection c, String caseRef, byte[] visitor, long notBefore)
            throws SQLException {
        List<ContactVisit> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT venue, visit_at FROM trace_contact"
                + " WHERE case_ref = ? AND visitor = ? AND visit_at >= ? ORDER BY visit_at, venue")) {
            ps.setString(1, caseRef);
            ps.setBytes(2, visitor);
            ps.setLong(3, notBefore);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ContactVisit(rs.getBytes(1), rs.getLong(2)));
                }
            }
        }
        return out;
    }

    /** Deletes what traces found about visits older than the scan cut-off (in a retention purge). */
    public static long deleteVisitsOlderThan(Connection c, long cutoff) throws SQLException {
        long n = 0;
        for (String table : new String[] {"trace_reach", "trace_contact"}) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE visit_at < ?")) {
                ps.setLong(1, cutoff);
                n += ps.executeUpdate();
            }
        }
        return n;
    }
}
