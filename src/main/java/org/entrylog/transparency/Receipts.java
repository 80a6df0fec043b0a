package org.entrylog.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Ids;
import org.entrylog.retention.PurgeLog;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.common.Json;

/**
 * Signed deletion receipts: one per closed purge, {@code {"asOf","cutoff","purgedScans",
 * "purgedVisitors","headBefore","headAfter","at","kid","signature"}} plus the purge number and
 * where the remaining scan chain begins ({@code firstEntry}, {@code firstPrevHash}). Counts and
 * hashes only: no personal data.
 */
public final class Receipts {
    private final Database db;
    private final SignedStatements statements;

    public Receipts(Database db, SignedStatements statements) {
        this.db = db;
        this.statements = statements;
    }

    /** Signs and stores the receipt of every closed purge that has none yet; returns how many. */
    public int issueMissing(Connection c) throws SQLException {
        int n = 0;
        Set<Long> receipted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT purge_id FROM purge_receipt");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                receipted.add(rs.getLong(1));
            }
        }
        for (PurgeLog.Closed p : PurgeLog.closed(c)) {
            if (receipted.contains(p.id())) {
                continue;
            }
            ObjectNode r = Json.MAPPER.createObjectNode();
            r.put("purgeId", p.id());
            r.put("asOf", Instant.ofEpochMilli(p.asOf()).toString());
            r.put("cutoff", Instant.ofEpochMilli(p.cutoff()).toString());
            r.put("purgedScans", p.purgedScans());
            r.put("purgedVisitors", p.purgedVisitors());
            r.put("headBefore", hash(p.headBefore()));
            r.put("headAfter", hash(p.headAfter()));
            r.put("at", Instant.ofEpochMilli(p.finishedAt()).toString());
            if (p.firstSeq() == null) {
                r.putNull("firstEntry");
            } else {
                r.put("firstEntry", p.firstSeq());
            }
            r.put("firstPrevHash", hash(p.firstPrevHash()));
            r.put("outcome", p.outcome());
            statements.sign(r);
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO purge_receipt(purge_id, statement) VALUES (?, ?)")) {
                ins.setLong(1, p.id());
                ins.setString(2, Json.write(r));
                ins.executeUpdate();
            }
            n++;
        }
        return n;
    }

    /** The receipt of one purge, or null. */
    public JsonNode forPurge(long purgeId) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT statement FROM purge_receipt WHERE purge_id = ?")) {
                ps.setLong(1, purgeId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? parse(rs.getString(1)) : null;
                }
            }
        });
    }

    /** Published receipts, newest first. */
    public List<JsonNode> list(int limit) {
        return db.read(c -> all(c, limit));
    }

    private static List<JsonNode> all(Connection c, int limit) throws SQLException {
        List<JsonNode> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT statement FROM purge_receipt ORDER BY purge_id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /**
     * What {@code verify} checks of the receipts: each one's signature, that it agrees with the purge
     * record it attests (so a purge record edited afterwards shows), and that the scan chain still
     * starts where the newest receipt says, or later.
     */
    public static Map<String, Object> check(Connection c, SignedStatements statements) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        List<JsonNode> receipts = all(c, Integer.MAX_VALUE);
        m.put("receipts", receipts.size());
        for (JsonNode r : receipts) {
            long id = r.path("purgeId").asLong();
            if (!statements.verify(r)) {
                return bad(m, "the receipt of purge " + id + " does not carry a valid signature: it was altered");
            }
            PurgeLog.Closed p = PurgeLog.closed(c, id);
            if (p == null || !Instant.ofEpochMilli(p.cutoff()).toString().equals(r.path("cutoff").asText())
                    || p.purgedScans() != r.path("purgedScans").asLong()
                    || p.purgedVisitors() != r.path("purgedVisitors").asLong()) {
                return bad(m, "the purge record " + id + " no longer says what its signed receipt says");
            }
        }
        if (!receipts.isEmpty() && !receipts.get(0).path("firstEntry").isNull()) {
            JsonNode newest = receipts.get(0);
            long start = newest.path("firstEntry").asLong();
            ScanStore.First first = ScanStore.first(c);
            if (first != null && first.seq() < start) {
                return bad(m, "the scan log starts at entry " + first.seq() + ", before entry " + start
                        + " where the last receipt says the purged log began: entries were put back");
            }
            if (first != null && first.seq() == start
                    && !Arrays.equals(first.prevHash(), Ids.decodeCanonical(newest.path("firstPrevHash").asText()))) {
                return bad(m, "entry " + start + " does not carry the hash the last receipt recorded for it");
            }
        }
        m.put("ok", true);
        return m;
    }

    private static Map<String, Object> bad(Map<String, Object> m, String problem) {
        m.put("ok", false);
        m.put("problem", problem);
        return m;
    }

    private static String hash(byte[] h) {
        return h == null ? null : Ids.encode(h);
    }

    private static JsonNode parse(String s) throws SQLException {
        try {
            return Json.MAPPER.readTree(s);
        } catch (IOException e) {
            throw new SQLException("a stored receipt is not JSON", e);
        }
    }
}
