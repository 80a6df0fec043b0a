package org.entrylog.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Sql;

/**
 * The owner of the {@code purge} table: the record of every retention purge, opened before its
 * first deletion (the delete triggers let rows older than an open purge's cut-off through, and
 * only those), counted chunk by chunk in the same transactions as the deletions, and closed once.
 */
public final class PurgeLog {
    private PurgeLog() {}

    /** What a purge destroys, one counter column each. */
    public enum Count {
        SCANS("purged_scans"), VISITORS("purged_visitors"), TOKEN_USES("purged_token_uses"), AUDIT("purged_audit");

        private final String column;

        Count(String column) {
            this.column = column;
        }
    }

    /** A purge left open (by a crash), with the counts it had recorded. */
    public record Open(long id, long purgedScans, long purgedVisitors) {}

    /**
     * The newest closed purge as {@code /health} shows it: counts and instants only.
     * Components in the order of the JSON.
     */
    public record LastPurge(long purgeId, String at, String asOf, String cutoff, long purgedScans,
                            long purgedVisitors, boolean futureAsOf, String outcome) {}

    /** Purges closed, the newest of them (or null), and the oldest scan still held. */
    public record Status(long purges, LastPurge lastPurge, String oldestEntry) {}

    /** Records a purge as begun, and returns its id; from here DELETE is allowed up to its cut-off. */
    public static long open(Connection c, Instant asOf, long cutoff, Instant startedAt, boolean future,
                            Purger.RunBy runBy, byte[] headBefore) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO purge(as_of, cutoff, started_at, future_as_of, run_by, head_before, purged_scans,"
                        + " purged_visitors, purged_token_uses) VALUES (?,?,?,?,?,?,0,0,0) RETURNING id")) {
            ps.setLong(1, asOf.toEpochMilli());
            ps.setLong(2, cutoff);
            ps.setLong(3, startedAt.toEpochMilli());
            ps.setInt(4, future ? 1 : 0);
            ps.setString(5, runBy.column);
            ps.setBytes(6, headBefore);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Adds a chunk's count to the open purge, in the chunk's transaction. The audit count is
     * written even when zero: it says that the purge looked at the audit log.
     */
    public static void add(Connection c, long purgeId, Count count, long n) throws SQLException {
        if (n == 0 && count != Count.AUDIT) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE purge SET " + count.column + " = coalesce(" + count.column + ", 0) + ? WHERE id = ?")) {
            ps.setLong(1, n);
            ps.setLong(2, purgeId);
            ps.executeUpdate();
        }
    }

    /**
     * Sets the audit cut-off of the open purge {@code purgeId} (the audit delete triggers consult
     * it). Throws when that purge is not open, or already has another audit cut-off.
     */
    public static void auditCutoff(Connection c, long purgeId, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT audit_cutoff FROM purge WHERE id = ? AND finished_at IS NULL")) {
            ps.setLong(1, purgeId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("audit entries are purged only inside a purge in progress");
                }
                long existing = rs.getLong(1);
                if (!rs.wasNull() && existing != cutoff) {
                    throw new IllegalStateException("the purge in progress already has another audit cut-off");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE purge SET audit_cutoff = ? WHERE id = ?")) {
            ps.setLong(1, cutoff);
            ps.setLong(2, purgeId);
            ps.executeUpdate();
        }
    }

    /** Purges not closed: left by a crash when no purge holds the lock. */
    public static List<Open> open(Connection c) throws SQLException {
        List<Open> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, coalesce(purged_scans, 0), coalesce(purged_visitors, 0) FROM purge WHERE finished_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Open(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /**
     * Closes the purge with its outcome ({@code done}, {@code abandoned}), the scan chain's head
     * and where the surviving chain starts; after this no DELETE passes.
     */
    public static void close(Connection c, long id, String outcome, long now, byte[] headAfter,
                             ScanStore.First first) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE purge SET finished_at = ?, outcome = ?, head_after = ?, first_seq = ?, first_prev_hash = ?,"
                        + " purged_scans = coalesce(purged_scans, 0), purged_visitors = coalesce(purged_visitors, 0),"
                        + " purged_token_uses = coalesce(purged_token_uses, 0) WHERE id = ? AND finished_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, outcome);
            ps.setBytes(3, headAfter);
            if (first == null) {
                ps.setNull(4, Types.INTEGER);
            } else {
                ps.setLong(4, first.seq());
            }
            ps.setBytes(5, first == null ? null : first.prevHash());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /** A closed purge as its signed receipt and the transparency figures tell it. */
    public record Closed(long id, long asOf, long cutoff, long purgedScans, long purgedVisitors, byte[] headBefore,
                         byte[] headAfter, long finishedAt, Long firstSeq, byte[] firstPrevHash, String outcome) {}

    private static final String CLOSED = "SELECT id, as_of, cutoff, purged_scans, purged_visitors, head_before,"
            + " head_after, finished_at, first_seq, first_prev_hash, outcome FROM purge WHERE finished_at IS NOT NULL";

    /** Closed purges, oldest first. */
    public static List<Closed> closed(Connection c) throws SQLException {
        return closed(c, CLOSED + " ORDER BY id", -1);
    }

    /** The newest {@code limit} closed purges, newest first. */
    public static List<Closed> newest(Connection c, int limit) throws SQLException {
        return closed(c, CLOSED + " ORDER BY id DESC LIMIT ?", limit);
    }

    /** The closed purge with this id, or null. */
    public static Closed closed(Connection c, long id) throws SQLException {
        List<Closed> one = closed(c, CLOSED + " AND id = ?", id);
        return one.isEmpty() ? null : one.get(0);
    }

    private static List<Closed> closed(Connection c, String sql, long param) throws SQLException {
        List<Closed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (param >= 0) {
                ps.setLong(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long firstSeq = rs.getLong(9);
                    Long first = rs.wasNull() ? null : firstSeq;
                    out.add(new Closed(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getBytes(6), rs.getBytes(7), rs.getLong(8), first, rs.getBytes(10), rs.getString(11)));
                }
            }
        }
        return out;
    }

    /** Whether any purge was ever closed. */
    public static boolean anyClosed(Connection c) throws SQLException {
        Long n = Sql.value(c, "SELECT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NOT NULL)");
        return n != null && n == 1;
    }

    /** Scans deleted by all closed purges. */
    public static long purgedScans(Connection c) throws SQLException {
        Long n = Sql.value(c, "SELECT coalesce(sum(purged_scans), 0) FROM purge WHERE finished_at IS NOT NULL");
        return n == null ? 0 : n;
    }

    /**
     * Scans removed by every purge, an open one's chunks included (each chunk adds its count in its
     * own transaction): the log's head less this is exactly the rows it holds, whatever the state.
     */
    public static long purgedScansEver(Connection c) throws SQLException {
        Long n = Sql.value(c, "SELECT coalesce(sum(purged_scans), 0) FROM purge");
        return n == null ? 0 : n;
    }

    /** The newest closed purge and the oldest entry held, for {@code /health}. */
    public static Status status(Connection c) throws SQLException {
        long purges = 0;
        LastPurge last = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, finished_at, as_of, cutoff, purged_scans, purged_visitors, future_as_of, outcome,"
                        + " (SELECT count(*) FROM purge WHERE finished_at IS NOT NULL)"
                        + " FROM purge WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                last = new LastPurge(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)).toString(),
                        Instant.ofEpochMilli(rs.getLong(3)).toString(), Instant.ofEpochMilli(rs.getLong(4)).toString(),
                        rs.getLong(5), rs.getLong(6), rs.getInt(7) == 1,
                        rs.getString(8) == null ? "done" : rs.getString(8));
                purges = rs.getLong(9);
            }
        }
        Long oldest = ScanStore.oldest(c);
        return new Status(purges, last, oldest == null ? null : Instant.ofEpochMilli(oldest).toString());
    }
}
