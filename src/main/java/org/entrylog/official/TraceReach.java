package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The owner of {@code trace_reach}: what each trace found — one row per case visit (caseRef, the
 * official who traced, venue, visit time, the trace's window). A venue list under the same caseRef
 * is answered when its window lies within the trace's window of such a visit (docs/design.md, the
 * approval rule).
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

    /** Deletes what traces found about visits older than the scan cut-off (in a retention purge). */
    public static long deleteVisitsOlderThan(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM trace_reach WHERE visit_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }
}
