package org.entrylog.chain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Walks a hash-chained log ({@code scan_log}, {@code audit_log}) from its first row and checks that
 * every row carries the hash of the row before it, that no position is missing, and that the
 * newest row is the recorded chain head. A break is accepted only where a purge recorded that it
 * cut the chain there.
 */
public final class LogVerifier {

    /** The outcome: {@code ok}, the rows counted, and, when broken, the first bad entry. */
    public record Result(boolean ok, long entries, Long firstBadSeq, String problem, int purgeCuts) {
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok);
            m.put("entries", entries);
            if (!ok) {
                m.put("firstBadEntry", firstBadSeq);
                m.put("problem", problem);
            }
            m.put("purgeCutsPassed", purgeCuts);
            return m;
        }
    }

    /** How one log's rows are hashed, and what else each row must satisfy; the log's owner supplies it. */
    public interface Chain {
        byte[] rowHash(ResultSet rs) throws SQLException;

        /** A problem with this row beyond its link, or null. */
        default String check(long seq, ResultSet rs) throws SQLException {
            return null;
        }
    }

    private LogVerifier() {}

    /**
     * The hash of the row at {@code seq} of a log, or null when no such row is held (never written,
     * or purged). A saved checkpoint names a position and this hash.
     */
    public static byte[] hashAt(Connection c, String log, long seq, Chain chain) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table(log) + " WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? chain.rowHash(rs) : null;
            }
        }
    }

    /** The log's name is its table's; only the two chained tables are walked. */
    private static String table(String log) {
        if (!log.equals("scan_log") && !log.equals("audit_log")) {
            throw new IllegalArgumentException("not a hash-chained log: " + log);
        }
        return log;
    }

    /** Walks one log; {@code noun} names its rows in a problem ("entry", "audit entry"). */
    public static Result walk(Connection c, String log, String noun, Chain chain) throws SQLException {
        Map<Long, byte[]> resumes = resumePoints(c, log);
        ChainHead head = ChainHead.read(c, log);
        long entries = 0;
        int cuts = 0;
        Long prevSeq = null;
        byte[] prevHash = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table(log) + " ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries++;
                long seq = rs.getLong("seq");
                byte[] carried = rs.getBytes("prev_hash");
                boolean first = prevSeq == null;
                byte[] expected = first ? ChainHash.GENESIS : prevHash;
                if (!Arrays.equals(carried, expected)) {
                    byte[] vouched = resumes.get(seq);
                    if (vouched != null && Arrays.equals(vouched, carried)) {
                        cuts++;
                    } else if (first) {
                        return bad(entries, seq, noun + " " + seq + " does not start the chain: earlier entries were "
                                + "removed outside a retention purge, or it was altered", cuts);
                    } else if (seq != prevSeq + 1) {
                        return bad(entries, prevSeq + 1, noun + " " + (prevSeq + 1) + " to " + (seq - 1)
                                + " are missing: removed outside a retention purge", cuts);
                    } else {
                        return bad(entries, prevSeq, noun + " " + prevSeq + " was altered (entry " + seq
                                + " carries a different hash of it)", cuts);
                    }
                }
                String problem = chain.check(seq, rs);
                if (problem != null) {
                    return bad(entries, seq, problem, cuts);
                }
                prevSeq = seq;
                prevHash = chain.rowHash(rs);
            }
        }
        if (prevHash != null && !Arrays.equals(prevHash, head.hash())
                && Arrays.equals(resumes.get(head.entries() + 1), head.hash())) {
            // A purge deleted the newest entries (late offline scans can be the oldest) and vouched
            // for the cut at the position the next entry will take, which will carry the head's hash.
            cuts++;
        } else if (prevHash != null && !Arrays.equals(prevHash, head.hash())) {
            return bad(entries, prevSeq, noun + " " + prevSeq + " is not the recorded head of the chain: it was "
                    + "altered, or newer entries were removed", cuts);
        }
        return new Result(true, entries, null, null, cuts);
    }

    /** A failed result: the rows counted so far and the first bad entry. */
    public static Result bad(long entries, long seq, String problem, int cuts) {
        return new Result(false, entries, seq, problem, cuts);
    }

    private static Map<Long, byte[]> resumePoints(Connection c, String log) throws SQLException {
        Map<Long, byte[]> m = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, prev_hash FROM chain_resume WHERE log = ?")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        return m;
    }
}
