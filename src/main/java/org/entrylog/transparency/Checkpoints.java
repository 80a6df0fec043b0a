package org.entrylog.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Ids;
import org.entrylog.audit.AuditLog;
import org.entrylog.chain.ChainHead;
import org.entrylog.retention.PurgeLog;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;
import org.entrylog.common.Json;

/**
 * Signed checkpoints of the two hash chains, like Certificate Transparency's signed tree heads:
 * {@code {"log","entries","head","at","kid","signature"}}, where {@code entries} is the number of
 * rows ever appended (so the position of the head) and {@code head} the base64url hash of that
 * row. Whoever saved one can later prove the log was only appended to since: the row at that
 * position still hashes to {@code head}, and the chain from it to today verifies.
 */
public final class Checkpoints {
    private static final List<String> LOGS = List.of(ScanStore.NAME, AuditLog.NAME);

    private final Database db;
    private final SignedStatements statements;
    private final Clock clock;
    private final Duration interval;

    /**
     * {@code interval} is {@code ENTRYLOG_CHECKPOINT_MINUTES}: the longest stretch of the log an
     * outside party keeping copies cannot vouch for. An insider who truncates the log and resets its
     * head is caught by any copy taken after the removed scans were logged (docs/threat-model.md T39).
     */
    public Checkpoints(Database db, SignedStatements statements, Clock clock, Duration interval) {
        this.db = db;
        this.statements = statements;
        this.clock = clock;
        this.interval = interval;
    }

    /** Takes a checkpoint of each log now, inside the caller's write transaction. */
    public List<ObjectNode> take(Connection c) throws SQLException {
        List<ObjectNode> out = new ArrayList<>();
        Instant at = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (String log : LOGS) {
            ChainHead head = ChainHead.read(c, log);
            ObjectNode s = Json.MAPPER.createObjectNode();
            s.put("log", log);
            s.put("entries", head.entries());
            s.put("head", Ids.encode(head.hash()));
            s.put("at", at.toString());
            statements.sign(s);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO checkpoint(log, entries, head, at, statement) VALUES (?,?,?,?,?)")) {
                ps.setString(1, log);
                ps.setLong(2, head.entries());
                ps.setBytes(3, head.hash());
                ps.setLong(4, at.toEpochMilli());
                ps.setString(5, Json.write(s));
                ps.executeUpdate();
            }
            out.add(s);
        }
        return out;
    }

    /** True when the newest checkpoint is older than the interval (or there is none). */
    public boolean due() {
        return db.read(this::due);
    }

    private boolean due(Connection c) throws SQLException {
        Long last = Sql.value(c, "SELECT max(at) FROM checkpoint");
        return last == null || clock.millis() - last >= interval.toMillis();
    }

    /**
     * Takes the checkpoints when due, deciding on the writer's own connection so that two callers
     * (the schedule and a purge closing) never take the same checkpoint twice; false when not due.
     */
    public boolean takeIfDue(Connection c) throws SQLException {
        if (!due(c)) {
            return false;
        }
        take(c);
        return true;
    }

    /** Published checkpoints, newest first. */
    public List<JsonNode> list(int limit) {
        return db.read(c -> {
            List<JsonNode> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT statement FROM checkpoint ORDER BY id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Json.MAPPER.readTree(rs.getString(1)));
                    }
                } catch (IOException e) {
                    throw new SQLException("a stored checkpoint is not JSON", e);
                }
            }
            return out;
        });
    }

    /**
     * Checks that the log only grew since a saved checkpoint: its signature is valid, the log has
     * at least as many entries now, and the row at its position still has its hash — or, when that
     * row has since been purged by retention, that a recorded purge removed it. The chain from there
     * to today is checked by the ordinary verification.
     */
    public static Map<String, Object> checkAgainst(Connection c, JsonNode saved, SignedStatements statements)
            throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        String log = saved.path("log").asText();
        long entries = saved.path("entries").asLong(-1);
        byte[] head = Ids.decode(saved.path("head").asText(), 32);
        m.put("log", log);
        m.put("entries", entries);
        m.put("at", saved.path("at").asText());
        if (!LOGS.contains(log) || entries < 0 || head == null) {
            return fail(m, "the file is not an entrylog checkpoint");
        }
        if (!statements.verify(saved)) {
            return fail(m, "the checkpoint's signature is not valid under the key it names (kid "
                    + saved.path("kid").asText() + "): it was altered or not made by this server");
        }
        ChainHead now = ChainHead.read(c, log);
        if (now.entries() < entries) {
            return fail(m, "the log was rolled back: it now counts " + now.entries() + " entries ever appended, fewer "
                    + "than the " + entries + " signed at " + saved.path("at").asText() + "; entries were removed "
                    + "from its end and its head reset, or the log was replaced");
        }
        if (entries == 0) {
            return ok(m, "the checkpoint was taken of an empty log");
        }
        byte[] current = ScanStore.NAME.equals(log) ? ScanStore.hashAt(c, entries) : AuditLog.hashAt(c, entries);
        if (current == null) {
            long held = ScanStore.NAME.equals(log) ? ScanStore.count(c) : -1;
            long expected = now.entries() - PurgeLog.purgedScansEver(c);
            if (held >= 0 && held != expected) {
                // rows ever appended less rows purged must be the rows held: anything else went outside a purge
                return fail(m, "entry " + entries + " of " + log + " is gone, and the log holds " + held
                        + " entries where its head (" + now.entries() + " appended) less its purges leaves " + expected
                        + ": entries were removed outside a retention purge");
            }
            if (purgedUpTo(c, log) >= entries) {
                return ok(m, "the entry at the checkpoint has since been purged by retention; the rest of the chain "
                        + "is checked by verify");
            }
            return fail(m, "entry " + entries + " of " + log + " is gone, and no retention purge removed it");
        }
        if (!Arrays.equals(current, head)) {
            return fail(m, "entry " + entries + " of " + log + " (or one before it) was rewritten after the checkpoint: "
                    + "its hash is no longer the one signed at " + saved.path("at").asText());
        }
        return ok(m, "the log only grew since the checkpoint: entry " + entries + " still has the signed hash");
    }

    /**
     * The positions that retention purges removed from the start of the log: everything below the
     * oldest row held (or all of it when the log is empty), and nothing when no purge ever ran.
     */
    private static long purgedUpTo(Connection c, String log) throws SQLException {
        if (!PurgeLog.anyClosed(c)) {
            return 0;
        }
        Long oldest;
        if (ScanStore.NAME.equals(log)) {
            ScanStore.First first = ScanStore.first(c);
            oldest = first == null ? null : first.seq();
        } else {
            oldest = AuditLog.firstSeq(c);
        }
        return oldest == null ? ChainHead.read(c, log).entries() : oldest - 1;
    }

    private static Map<String, Object> ok(Map<String, Object> m, String explanation) {
        m.put("ok", true);
        m.put("explanation", explanation);
        return m;
    }

    private static Map<String, Object> fail(Map<String, Object> m, String explanation) {
        m.put("ok", false);
        m.put("explanation", explanation);
        return m;
    }
}
