package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The owner of {@code approval}: venue lists outside any trace's reach, requested by one official
 * and granted by another (docs/design.md, {@code POST /api/approvals}). The database refuses a
 * grant by the requester and any change after a grant (migration 005), whatever the code does.
 */
public final class Approvals {
    /** How long a granted approval lets its requester list; and how long a request waits for a grant. */
    public static final Duration VALID = Duration.ofHours(24);

    /** One approval as stored; {@code grantedBy}/{@code grantedAt} null while pending. */
    public record Approval(long id, byte[] publicId, String caseRef, byte[] venue, long from, long to, String reason,
                           String requestedBy, long requestedAt, String grantedBy, Long grantedAt) {
        public boolean granted() {
            return grantedAt != null;
        }

        /** A request lapses {@link #VALID} after it was made, a grant {@link #VALID} after it was given. */
        public boolean live(long now) {
            return now < (granted() ? grantedAt : requestedAt) + VALID.toMillis();
        }
    }

    private Approvals() {}

    private static final String COLUMNS = "id, public_id, case_ref, venue, from_at, to_at, reason, requested_by,"
            + " requested_at, granted_by, granted_at";

    static void insert(Connection c, byte[] publicId, String caseRef, byte[] venue, long from, long to, String reason,
                       String requestedBy, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO approval(public_id, case_ref, venue, from_at,"
                + " to_at, reason, requested_by, requested_at) VALUES (?,?,?,?,?,?,?,?)")) {
            ps.setBytes(1, publicId);
            ps.setString(2, caseRef);
            ps.setBytes(3, venue);
            ps.setLong(4, from);
            ps.setLong(5, to);
            ps.setString(6, reason);
            ps.setString(7, requestedBy);
            ps.setLong(8, now);
            ps.executeUpdate();
        }
    }

    /** Grants a pending approval; false when it was granted meanwhile. */
    static boolean grant(Connection c, long id, String grantedBy, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE approval SET granted_by = ?, granted_at = ? WHERE id = ? AND granted_at IS NULL")) {
            ps.setString(1, grantedBy);
            ps.setLong(2, now);
            ps.setLong(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    static Approval byPublicId(Connection c, byte[] publicId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM approval WHERE public_id = ?")) {
            ps.setBytes(1, publicId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    /**
     * Whether a live approval granted to {@code requester} covers this venue and [from, to] under
     * {@code caseRef}: granted, less than {@link #VALID} ago, and the window inside the granted one.
     */
    static boolean covers(Connection c, String requester, String caseRef, byte[] venue, long from, long to, long now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM approval WHERE requested_by = ? AND case_ref = ?"
                + " AND venue = ? AND granted_at IS NOT NULL AND granted_at > ? AND from_at <= ? AND to_at >= ?"
                + " LIMIT 1")) {
            ps.setString(1, requester);
            ps.setString(2, caseRef);
            ps.setBytes(3, venue);
            ps.setLong(4, now - VALID.toMillis());
            ps.setLong(5, from);
            ps.setLong(6, to);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Approvals still live at {@code now} (pending ones not lapsed, granted ones not expired), newest first. */
    static List<Approval> live(Connection c, long now) throws SQLException {
        List<Approval> out = new ArrayList<>();
        long since = now - VALID.toMillis();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM approval"
                + " WHERE (granted_at IS NULL AND requested_at > ?) OR granted_at > ?"
                + " ORDER BY requested_at DESC, id DESC LIMIT 500")) {
            ps.setLong(1, since);
            ps.setLong(2, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /**
     * Deletes approvals requested before the scan cut-off (in a retention purge): each lapsed
     * long before, and the windows they named are no longer held. Their audit entries remain.
     */
    public static long deleteRequestedBefore(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM approval WHERE requested_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }

    private static Approval row(ResultSet rs) throws SQLException {
        long grantedAt = rs.getLong(11);
        Long g = rs.wasNull() ? null : grantedAt;
        return new Approval(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getBytes(4), rs.getLong(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getLong(9), rs.getString(10), g);
    }
}
