package org.entrylog.notice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The owner of {@code notice} and {@code notice_month}: exposure notices an official sent to the
 * contacts of a traced case (docs/design.md, Exposure notices), and how many were sent and
 * acknowledged per month (for {@code /transparency}).
 *
 * <p>One notice per contact presence: it names the venue and the time the visitor's presence there
 * began, and goes with that visit in the retention purge (trigger {@code notice_delete_only_expired}).
 * The only change a notice allows is its acknowledgement, once (trigger
 * {@code notice_acknowledge_once}). A notice unseals nothing: it is addressed by the visitor's
 * pseudonymous id and shown only on that visitor's own page.
 *
 * <p>Its own package, used by {@code official} (sending) and {@code visitor} (history,
 * acknowledgement) without a cycle between them.
 */
public final class Notices {
    /** What the visitor is asked to do; the wire names are {@code test} and {@code isolate}. */
    public enum Level {
        TEST, ISOLATE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The level named by {@code text}, or null when it names none. */
        public static Level of(String text) {
            for (Level l : values()) {
                if (l.wire().equals(text)) {
                    return l;
                }
            }
            return null;
        }
    }

    /** One notice as stored. {@code acknowledgedAt} is null until the visitor acknowledges it. */
    public record Notice(byte[] publicId, byte[] venue, long visitAt, String caseRef, Level level, String message,
                         long sentAt, String sentBy, Long acknowledgedAt) {}

    /** Notices sent and acknowledged in one month (UTC, {@code YYYY-MM}). */
    public record Month(String month, long sent, long acknowledged) {}

    private Notices() {}

    /** Writes one notice and counts it for its month (on the writer's connection, with the audit entry). */
    public static void insert(Connection c, byte[] publicId, byte[] visitor, byte[] venue, long visitAt, String caseRef,
                              Level level, String message, long sentAt, String sentBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice(public_id, visitor, venue, visit_at, case_ref,"
                + " level, message, sent_at, sent_by) VALUES (?,?,?,?,?,?,?,?,?)")) {
            ps.setBytes(1, publicId);
            ps.setBytes(2, visitor);
            ps.setBytes(3, venue);
            ps.setLong(4, visitAt);
            ps.setString(5, caseRef);
            ps.setString(6, level.wire());
            ps.setString(7, message);
            ps.setLong(8, sentAt);
            ps.setString(9, sentBy);
            ps.executeUpdate();
        }
        count(c, "sent", sentAt);
    }

    /** The notices of one visitor (by public id), newest first. */
    public static List<Notice> of(Connection c, byte[] visitor) throws SQLException {
        List<Notice> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT public_id, venue, visit_at, case_ref, level, message,"
                + " sent_at, sent_by, acknowledged_at FROM notice WHERE visitor = ? ORDER BY sent_at DESC, id DESC")) {
            ps.setBytes(1, visitor);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ack = rs.getLong(9);
                    Long acknowledged = rs.wasNull() ? null : ack;
                    out.add(new Notice(rs.getBytes(1), rs.getBytes(2), rs.getLong(3), rs.getString(4),
                            Level.of(rs.getString(5)), rs.getString(6), rs.getLong(7), rs.getString(8), acknowledged));
                }
            }
        }
        return out;
    }

    /**
     * Acknowledges the visitor's notice, once: returns when it was acknowledged (now, or the earlier
     * time when it already was), or null when this visitor holds no such notice.
     */
    public static Long acknowledge(Connection c, byte[] visitor, byte[] publicId, long now) throws SQLException {
        Long earlier;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT acknowledged_at, sent_at FROM notice WHERE public_id = ? AND visitor = ?")) {
            ps.setBytes(1, publicId);
            ps.setBytes(2, visitor);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long ack = rs.getLong(1);
                earlier = rs.wasNull() ? null : ack;
                now = Math.max(now, rs.getLong(2)); // a clock set back never acknowledges before the sending
            }
        }
        if (earlier != null) {
            return earlier;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE notice SET acknowledged_at = ?"
                + " WHERE public_id = ? AND visitor = ? AND acknowledged_at IS NULL")) {
            ps.setLong(1, now);
            ps.setBytes(2, publicId);
            ps.setBytes(3, visitor);
            ps.executeUpdate();
        }
        count(c, "acknowledged", now);
        return now;
    }

    /** Deletes the notices whose visit is older than the scan cut-off (in a retention purge, while it is open). */
    public static long deleteVisitsOlderThan(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM notice WHERE visit_at < ?")) {
            ps.setLong(1, cutoff);
            return ps.executeUpdate();
        }
    }

    /** Notices sent and acknowledged per month, newest month first, at most 24 months. */
    public static List<Month> perMonth(Connection c) throws SQLException {
        List<Month> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT month, sent, acknowledged FROM notice_month ORDER BY month DESC LIMIT 24");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Month(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }

    private static void count(Connection c, String column, long at) throws SQLException {
        String month = YearMonth.from(Instant.ofEpochMilli(at).atZone(ZoneOffset.UTC)).toString();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice_month(month, " + column + ") VALUES (?, 1)"
                + " ON CONFLICT(month) DO UPDATE SET " + column + " = notice_month." + column + " + 1")) {
            // qualified: PostgreSQL reads a bare column here as ambiguous (the row or excluded.)
            ps.setString(1, month);
            ps.executeUpdate();
        }
    }
}
