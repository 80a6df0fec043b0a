package org.entrylog.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.entrylog.chain.ChainHash;
import org.entrylog.chain.ChainHead;
import org.entrylog.store.Database;
import org.entrylog.chain.LogVerifier;

/**
 * The owner of {@code audit_log} and its index {@code audit_access}: the record of every request to
 * an official endpoint, hash-chained like the scan log. One transaction writes the row, its {@code audit_access} index rows
 * and the new chain head; the database refuses UPDATE, and DELETE outside a retention purge.
 *
 * <p>An entry holds no readable personal data: officials by username, visitors by their
 * pseudonymous ids, a traced phone number only as its keyed hash.
 */
public final class AuditLog {
    public static final String NAME = "audit_log";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * One audited request.
     *
     * @param at          when it was answered (epoch ms)
     * @param official    username of the signed-in official, or null
     * @param action      method and route, e.g. {@code POST /api/traces}
     * @param caseRef     the case reference, or null when missing or invalid
     * @param query       the other parameters as a JSON object text (phone only as {@code phoneHash})
     * @param format      {@code json}, or {@code csv} for an export
     * @param status      HTTP status answered
     * @param error       error code answered, or null
     * @param visitorIds  the 16-byte public ids of the visitors the answer contained
     */
    public record Entry(long at, String official, String action, String caseRef, String query, String format,
                        int status, String error, List<byte[]> visitorIds) {
        public Entry {
            visitorIds = List.copyOf(visitorIds);
        }

        /** The ids as they are stored and hashed: a JSON array of base64url strings, in answer order, each once. */
        String visitorIdsText() {
            Set<String> ids = new LinkedHashSet<>();
            for (byte[] id : visitorIds) {
                ids.add(B64.encodeToString(id));
            }
            try {
                return JSON.writeValueAsString(ids);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private AuditLog() {}

    /** Appends the entry, links it to the chain, indexes the visitors it returned, and returns its {@code seq}. */
    public static long append(Connection c, Entry e) throws SQLException {
        ChainHead head = ChainHead.read(c, NAME);
        String ids = e.visitorIdsText();
        long seq;
        // SQLite numbers the row (AUTOINCREMENT); on PostgreSQL a sequence may skip a number when a
        // transaction rolls back, so the position is given, as scan_log's is: one past the head.
        boolean given = Database.isPostgres(c);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_log(at, official, action, case_ref, query, format, status, error, visitor_ids,"
                        + " prev_hash" + (given ? ", seq) VALUES (?,?,?,?,?,?,?,?,?,?,?)" : ") VALUES (?,?,?,?,?,?,?,?,?,?)")
                        + " RETURNING seq")) {
            ps.setLong(1, e.at());
            ps.setString(2, e.official());
            ps.setString(3, e.action());
            ps.setString(4, e.caseRef());
            ps.setString(5, e.query());
            ps.setString(6, e.format());
            ps.setInt(7, e.status());
            ps.setString(8, e.error());
            ps.setString(9, ids);
            ps.setBytes(10, head.hash());
            if (given) {
                ps.setLong(11, head.entries() + 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_access(visitor, audit_seq) VALUES (?,?) ON CONFLICT DO NOTHING")) {
            for (byte[] id : e.visitorIds()) {
                ps.setBytes(1, id);
                ps.setLong(2, seq);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        ChainHead.advance(c, NAME, rowHash(seq, e.at(), e.official(), e.action(), e.caseRef(), e.query(),
                e.format(), e.status(), e.error(), ids, head.hash()));
        return seq;
    }

    /** The hash of a row over all its columns, in table order. */
    static byte[] rowHash(long seq, long at, String official, String action, String caseRef, String query,
                          String format, long status, String error, String visitorIds, byte[] prevHash) {
        return new ChainHash(NAME)
                .integer(seq)
                .integer(at)
                .text(official)
                .text(action)
                .text(caseRef)
                .text(query)
                .text(format)
                .integer(status)
                .text(error)
                .text(visitorIds)
                .blob(prevHash)
                .digest();
    }

    /** The hash of a row read back from the table (for verification). */
    static byte[] rowHash(ResultSet rs) throws SQLException {
        return rowHash(rs.getLong("seq"), rs.getLong("at"), rs.getString("official"), rs.getString("action"),
                rs.getString("case_ref"), rs.getString("query"), rs.getString("format"), rs.getLong("status"),
                rs.getString("error"), rs.getString("visitor_ids"), rs.getBytes("prev_hash"));
    }

    /**
     * Deletes the audit entries older than {@code auditCutoffMillis}, inside the retention purge
     * {@code purgeId}, which is open on this connection and whose {@code audit_cutoff} (which the
     * delete triggers consult) its owner has set to this cut-off.
     *
     * <p>Only a prefix of the chain goes: entries up to the first one that is not older than the
     * cut-off. An entry older than the cut-off that follows a newer one (after a clock jump back)
     * waits for a later purge, so the surviving chain has exactly one cut, recorded in
     * {@code chain_resume} for {@code verify}. Nothing is ever deleted early.
     *
     * @return the number of audit entries deleted
     */
    public static long deleteOlderThan(Connection c, long purgeId, long auditCutoffMillis) throws SQLException {
        Long boundary; // first surviving seq, or null when every entry is older than the cut-off
        try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM audit_log WHERE at >= ?")) {
            ps.setLong(1, auditCutoffMillis);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long v = rs.getLong(1);
                boundary = rs.wasNull() ? null : v;
            }
        }
        long limit = boundary == null ? Long.MAX_VALUE : boundary;
        long deleted;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_access WHERE audit_seq < ?")) {
            ps.setLong(1, limit);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_log WHERE seq < ?")) {
            ps.setLong(1, limit);
            deleted = ps.executeUpdate();
        }
        if (deleted > 0) {
            long resumeSeq;
            byte[] resumeHash;
            if (boundary != null) {
                resumeSeq = boundary;
                try (PreparedStatement ps = c.prepareStatement("SELECT prev_hash FROM audit_log WHERE seq = ?")) {
                    ps.setLong(1, boundary);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        resumeHash = rs.getBytes(1);
                    }
                }
            } else {
                // the table is now empty: the next entry will carry the current head
                resumeHash = ChainHead.read(c, NAME).hash();
                if (Database.isPostgres(c)) {
                    resumeSeq = ChainHead.read(c, NAME).entries() + 1; // positions are given: see append
                } else {
                    try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = ?")) {
                        ps.setString(1, NAME);
                        try (ResultSet rs = ps.executeQuery()) {
                            resumeSeq = (rs.next() ? rs.getLong(1) : 0) + 1;
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO chain_resume(log, seq, prev_hash, purge_id) VALUES (?,?,?,?) ON CONFLICT (log, seq)"
                            + " DO UPDATE SET prev_hash = excluded.prev_hash, purge_id = excluded.purge_id")) {
                ps.setString(1, NAME);
                ps.setLong(2, resumeSeq);
                ps.setBytes(3, resumeHash);
                ps.setLong(4, purgeId);
                ps.executeUpdate();
            }
        }
        return deleted;
    }

    /**
     * One entry as the {@code audit} command prints it; components in the order of its JSON.
     * {@code query} and {@code visitorIds} are the stored JSON texts parsed (an unreadable text is
     * shown as a string, not dropped).
     */
    public record Listed(long seq, String at, String official, String action, String caseRef, JsonNode query,
                         String format, int status, String error, JsonNode visitorIds) {}

    /** The entries answered between two instants (inclusive), oldest first. */
    public static List<Listed> list(Connection c, long fromMillis, long toMillis) throws SQLException {
        List<Listed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, at, official, action, case_ref, query, format, status, error, visitor_ids FROM audit_log"
                        + " WHERE at >= ? AND at <= ? ORDER BY seq")) {
            ps.setLong(1, fromMillis);
            ps.setLong(2, toMillis);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Listed(rs.getLong("seq"), Instant.ofEpochMilli(rs.getLong("at")).toString(),
                            rs.getString("official"), rs.getString("action"), rs.getString("case_ref"),
                            parse(rs.getString("query")), rs.getString("format"), rs.getInt("status"),
                            rs.getString("error"), parse(rs.getString("visitor_ids"))));
                }
            }
        }
        return out;
    }

    /** The position of the oldest entry held, or null when none is. */
    public static Long firstSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(seq) FROM audit_log");
             ResultSet rs = ps.executeQuery()) {
            long seq = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? null : seq;
        }
    }

    /** Whether any entry is older than the cut-off. */
    public static boolean anyOlderThan(Connection c, long cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM audit_log WHERE at < ?)")) {
            ps.setLong(1, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1); // 1 on SQLite, true on PostgreSQL
            }
        }
    }

    /** Official queries answered in one month (UTC), and the distinct visitor records they returned. */
    public record Month(String month, long queries, long recordsReturned) {}

    /**
     * Answered queries (status 200) of the given actions per month, newest month first, at most
     * 24 months. {@code actions} is an SQL list of literal action names, written by the caller.
     */
    public static List<Month> queriesPerMonth(Connection c, String actions) throws SQLException {
        List<Month> out = new ArrayList<>();
        // the months first, then the visitors of each (a subquery may not reach into a grouped row on PostgreSQL)
        try (PreparedStatement ps = c.prepareStatement("SELECT m.month, m.queries,"
                + " (SELECT count(DISTINCT x.visitor) FROM audit_access x JOIN audit_log b ON b.seq = x.audit_seq"
                + "  WHERE " + monthOf(c, "b.at") + " = m.month"
                + "  AND b.status = 200 AND b.action IN " + actions + ")"
                + " FROM (SELECT " + monthOf(c, "a.at") + " AS month, count(DISTINCT a.seq) AS queries"
                + " FROM audit_log a WHERE a.status = 200 AND a.action IN " + actions
                + " GROUP BY month) m ORDER BY m.month DESC LIMIT 24");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Month(rs.getString(1), rs.getLong(2), rs.getLong(3)));
            }
        }
        return out;
    }

    /** The UTC month ('2026-12') of a column of epoch milliseconds, in the store's own SQL. */
    private static String monthOf(Connection c, String column) {
        return Database.isPostgres(c)
                ? "to_char(to_timestamp(" + column + " / 1000) AT TIME ZONE 'UTC', 'YYYY-MM')"
                : "strftime('%Y-%m', " + column + " / 1000, 'unixepoch')";
    }

    /** An official access to a visitor's data, as the visitor's history shows it. */
    public record Access(long at, String caseRef) {}

    /** The accesses whose answers contained this visitor (by public id), newest first. */
    public static List<Access> accessesOf(Connection c, byte[] visitorPublicId) throws SQLException {
        List<Access> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT a.at, a.case_ref FROM audit_access x JOIN audit_log a ON a.seq = x.audit_seq"
                        + " WHERE x.visitor = ? ORDER BY x.audit_seq DESC")) {
            ps.setBytes(1, visitorPublicId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Access(rs.getLong(1), rs.getString(2)));
                }
            }
        }
        return out;
    }

    /** The hash of the row at {@code seq}, or null when it is not held. */
    public static byte[] hashAt(Connection c, long seq) throws SQLException {
        return LogVerifier.hashAt(c, NAME, seq, AuditLog::rowHash);
    }

    /**
     * Walks {@code audit_log} like the scan log, and also checks that {@code audit_access} (the
     * index behind a visitor's history) lists exactly the visitors that each chained entry says its
     * answer returned, so no access can be hidden from a visitor.
     */
    public static LogVerifier.Result verify(Connection c) throws SQLException {
        Map<Long, Set<String>> access = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT audit_seq, visitor FROM audit_access");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                access.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(encode(rs.getBytes(2)));
            }
        }
        LogVerifier.Result r = LogVerifier.walk(c, NAME, "audit entry", new LogVerifier.Chain() {
            @Override
            public byte[] rowHash(ResultSet rs) throws SQLException {
                return AuditLog.rowHash(rs);
            }

            @Override
            public String check(long seq, ResultSet rs) throws SQLException {
                Set<String> listed = idsOf(rs.getString("visitor_ids"));
                Set<String> indexed = access.remove(seq);
                if (listed == null || !new HashSet<>(listed).equals(indexed == null ? Set.of() : indexed)) {
                    return "audit entry " + seq + " and its audit_access rows disagree on the visitors it returned";
                }
                return null;
            }
        });
        if (r.ok() && !access.isEmpty()) {
            long orphan = access.keySet().stream().min(Long::compare).orElseThrow();
            return LogVerifier.bad(r.entries(), orphan,
                    "audit_access names audit entry " + orphan + ", which is not in audit_log", r.purgeCuts());
        }
        return r;
    }

    /** The visitor ids of a stored {@code visitor_ids} text, decoded; unreadable text gives null. */
    static Set<String> idsOf(String text) {
        JsonNode n = parse(text);
        if (!(n instanceof ArrayNode a)) {
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode id : a) {
            out.add(id.asText());
        }
        return out;
    }

    static String encode(byte[] id) {
        return B64.encodeToString(id);
    }

    private static JsonNode parse(String text) {
        try {
            return text == null ? null : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
