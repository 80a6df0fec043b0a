package org.entrylog.retention;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.entrylog.log.AuditLog;
import org.entrylog.scan.ScanQueries;
import org.entrylog.store.Sql;
import org.entrylog.log.ChainHead;
import org.entrylog.log.ScanLog;
import org.entrylog.store.Database;
import org.entrylog.store.StoreException;
import org.entrylog.store.WriteQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention purge: destroys scans older than the cut-off, the pass-use records that only
 * served them, and visitor identities with no registration, pass or visit since the cut-off; then
 * checkpoints and vacuums so the bytes are gone from the files.
 *
 * <p>Order of a purge, each step its own short transaction:
 * <ol>
 *   <li>take {@code purge.lock} (one purge at a time, across processes) and close any purge a
 *       crash left open, with the counts it had recorded;</li>
 *   <li>record the purge (as-of, cut-off, chain head) — from here the database's triggers let
 *       DELETE through for rows older than this cut-off, and only those;</li>
 *   <li>delete scans in chunks of at most {@link #chunk} rows, oldest first, recording in
 *       {@code chain_resume} every place where the chain now starts after a deleted row, and
 *       adding the chunk's count to the purge row in the same transaction;</li>
 *   <li>the same for {@code token_use} and for inactive visitors;</li>
 *   <li>close the purge row (after which no DELETE passes);</li>
 *   <li>{@code PRAGMA incremental_vacuum} in chunks, then {@code wal_checkpoint(TRUNCATE)}.</li>
 * </ol>
 *
 * <p>Inside the server every chunk goes through the {@link WriteQueue}, so scans interleave with
 * the purge and none waits longer than one chunk; the {@code purge} command writes through its
 * own connection and SQLite's lock, waiting for the server between chunks.
 */
public final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger(Purger.class);
    public static final int DEFAULT_CHUNK = 250; // measured: the longest stall a concurrent scan sees, 75 ms at 250, ~100 ms at 500, 330–840 ms at 2,000 (BENCHMARKS.md)
    /** Pages freed per vacuum step: about 8 MB of 4 KiB pages, a few milliseconds of work. */
    private static final int VACUUM_PAGES = 2000;

    /** Who runs the purge: the scheduled job inside the server, or the command line. */
    public enum RunBy {
        SERVER("server"), COMMAND("command");

        final String column;

        RunBy(String column) {
            this.column = column;
        }
    }

    /** Where a purge's transactions go: the server's write queue, or the command's own connection. */
    public interface Writes {
        <T> T transaction(WriteQueue.Task<T> work);
    }

    /** Through the server's single writer, interleaved with scans. */
    public static Writes queued(WriteQueue queue) {
        return queue::execute;
    }

    /** Straight on the write connection (for a command, with no write queue). */
    public static Writes direct(Database db) {
        return new Writes() {
            @Override
            public <T> T transaction(WriteQueue.Task<T> work) {
                return db.transaction(work::run);
            }
        };
    }

    private final Database db;
    private final Writes writes;
    private final RetentionPolicy policy;
    private final Clock clock;
    private final RunBy runBy;
    private final int chunk;
    private final Path dataDir;
    /** How long audit entries are kept; null leaves audit_log alone. */
    private volatile Duration auditRetention;
    /** Told the id of every purge it closed, after it is closed (receipts, metrics). */
    private volatile java.util.function.BiConsumer<Long, PurgeResult> onClosed = (id, r) -> { };
    /** Serialises purges of this instance; {@link PurgeLock} does the same across instances and processes. */
    private final ReentrantLock running = new ReentrantLock();

    public Purger(Database db, Writes writes, RetentionPolicy policy, Clock clock, RunBy runBy) {
        this(db, writes, policy, clock, runBy, DEFAULT_CHUNK);
    }

    public Purger(Database db, Writes writes, RetentionPolicy policy, Clock clock, RunBy runBy, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be positive");
        }
        this.db = db;
        this.writes = writes;
        this.policy = policy;
        this.clock = clock;
        this.runBy = runBy;
        this.chunk = chunk;
        this.dataDir = db.file().toAbsolutePath().getParent();
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /** Also purges {@code audit_log} entries older than this ({@code ENTRYLOG_AUDIT_RETENTION_DAYS}). */
    public Purger auditRetention(Duration retention) {
        this.auditRetention = retention;
        return this;
    }

    /** Called after each recorded purge is closed, outside its transactions. */
    public Purger onClosed(java.util.function.BiConsumer<Long, PurgeResult> listener) {
        this.onClosed = listener;
        return this;
    }

    private long auditCutoff(Instant as) {
        Duration d = auditRetention;
        return d == null ? Long.MIN_VALUE : as.minus(d).toEpochMilli();
    }

    /** Thrown when another purge held the lock for longer than the caller would wait. */
    public static final class Busy extends IllegalStateException {
        Busy(String message) {
            super(message);
        }
    }

    /**
     * Counts what a purge as of {@code asOf} would destroy, changing nothing: no purge row, no
     * lock, no closing of abandoned purges. Counted on a read connection, in one snapshot.
     */
    public PurgeResult dryRun(Instant asOf) {
        Instant started = clock.instant();
        Instant as = asOf.truncatedTo(ChronoUnit.MILLIS);
        long cutoff = policy.cutoff(as).toEpochMilli();
        long tokenBound = tokenBound(cutoff, started);
        long[] counts = db.read(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN"); // one snapshot for the three counts
                try {
                    return new long[] {
                        count(c, "SELECT count(*) FROM scan_log WHERE scanned_at < ?", cutoff),
                        count(c, "SELECT count(*) FROM visitor v WHERE last_active_at < ? AND NOT EXISTS"
                                + " (SELECT 1 FROM scan_log s WHERE s.visitor_id = v.id AND s.scanned_at >= ?)",
                                cutoff, cutoff),
                        count(c, "SELECT count(*) FROM token_use u WHERE expires_at < ? AND NOT EXISTS"
                                + " (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq AND s.scanned_at >= ?)",
                                tokenBound, cutoff),
                    };
                } finally {
                    s.execute("COMMIT");
                }
            }
        });
        return new PurgeResult(null, as, Instant.ofEpochMilli(cutoff), as.isAfter(started), true, false,
                counts[0], counts[1], counts[2], 0, started, clock.instant());
    }

    /**
     * Purges as of {@code asOf} and records it, even when nothing is due (the command: an
     * operator's purge always leaves its record). Waits up to {@code wait} for a purge already
     * running; throws {@link Busy} when it does not end in that time.
     */
    public PurgeResult purge(Instant asOf, Duration wait) {
        return run(asOf, wait, true, () -> false);
    }

    /**
     * The scheduled purge: skips without waiting when another purge is running, and records
     * nothing when nothing is due (so an idle server does not fill the purge log with empty runs).
     * Returns null when it skipped because of another purge. {@code stop} is checked between
     * chunks; a stopped purge is closed as abandoned with what it did.
     */
    public PurgeResult purgeDue(Instant asOf, BooleanSupplier stop) {
        try {
            return run(asOf, Duration.ZERO, false, stop);
        } catch (Busy e) {
            LOG.info("retention: another purge is running; this round is skipped");
            return null;
        }
    }

    private PurgeResult run(Instant asOf, Duration wait, boolean recordEmpty, BooleanSupplier stop) {
        Instant as = asOf.truncatedTo(ChronoUnit.MILLIS);
        try {
            if (!running.tryLock(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new Busy("Another purge is still running; try again when it has finished.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("Interrupted while waiting for another purge.");
        }
        try {
            PurgeLock lock;
            try {
                lock = PurgeLock.acquire(dataDir, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy("Interrupted while waiting for another purge.");
            }
            if (lock == null) {
                throw new Busy("Another purge (" + PurgeLock.FILE_NAME + " is held) is still running; "
                        + "try again when it has finished.");
            }
            try (lock) {
                return locked(as, recordEmpty, stop);
            }
        } finally {
            running.unlock();
        }
    }

    private PurgeResult locked(Instant as, boolean recordEmpty, BooleanSupplier stop) {
        Instant started = clock.instant();
        long t0 = System.nanoTime(); // durations by the monotonic timer; the clock may be a test's
        long cutoff = policy.cutoff(as).toEpochMilli();
        long tokenBound = tokenBound(cutoff, started);
        boolean future = as.isAfter(started);
        int abandoned = closeAbandoned(started);
        long auditCutoff = auditCutoff(as);
        if (!recordEmpty && !due(cutoff, tokenBound, auditCutoff)) {
            return new PurgeResult(null, as, Instant.ofEpochMilli(cutoff), future, false, false, 0, 0, 0,
                    abandoned, started, clock.instant());
        }
        long id = writes.transaction(c -> {
            ChainHead head = ChainHead.read(c, ScanLog.NAME);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO purge(as_of, cutoff, started_at, future_as_of, run_by, head_before, purged_scans,"
                            + " purged_visitors, purged_token_uses) VALUES (?,?,?,?,?,?,0,0,0) RETURNING id")) {
                ps.setLong(1, as.toEpochMilli());
                ps.setLong(2, cutoff);
                ps.setLong(3, started.toEpochMilli());
                ps.setInt(4, future ? 1 : 0);
                ps.setString(5, runBy.column);
                ps.setBytes(6, head.hash());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        long scans = 0;
        long tokens = 0;
        long visitors = 0;
        long audit = 0;
        boolean stopped = false;
        try {
            long n;
            while (!(stopped = stop.getAsBoolean()) && (n = writes.transaction(c -> deleteScans(c, id, cutoff))) > 0) {
                scans += n;
            }
            while (!stopped && !(stopped = stop.getAsBoolean())
                    && (n = writes.transaction(c -> deleteTokenUses(c, id, tokenBound))) > 0) {
                tokens += n;
            }
            long[] key = {Long.MIN_VALUE, Long.MIN_VALUE};
            while (!stopped && !(stopped = stop.getAsBoolean())) {
                long[] r = writes.transaction(c -> deleteVisitors(c, id, cutoff, key));
                visitors += r[0];
                if (r[1] == 0) {
                    break;
                }
            }
            if (!stopped && auditCutoff != Long.MIN_VALUE) {
                audit = writes.transaction(c -> AuditLog.purge(c, auditCutoff));
            }
        } catch (RuntimeException e) {
            LOG.error("retention: purge {} failed after {} scans, {} visitors, {} pass uses: {}", id, scans, visitors,
                    tokens, e.getMessage());
            closeQuietly(id, "abandoned");
            throw e;
        }
        close(id, stopped ? "abandoned" : "done");
        LOG.info("retention: purge {} as of {} (cut-off {}{}): {} scans, {} visitors, {} pass uses, {} audit entries"
                + " deleted in {} ms{}", id, as, Instant.ofEpochMilli(cutoff), future ? ", as of a future instant" : "",
                scans, visitors, tokens, audit, (System.nanoTime() - t0) / 1_000_000, stopped ? "; stopped early" : "");
        PurgeResult result = new PurgeResult(id, as, Instant.ofEpochMilli(cutoff), future, false, true, scans,
                visitors, tokens, abandoned, started, clock.instant());
        try {
            onClosed.accept(id, result); // before the reclaim, so what it writes is checkpointed too
        } catch (RuntimeException e) {
            LOG.warn("retention: after purge {}: {}", id, e.getMessage());
        }
        if (!stopped) {
            reclaim();
        }
        return result;
    }

    /**
     * Pass-use records go once the pass expired before the cut-off — and never while the pass could
     * still be shown, even when a purge as of a future instant has a cut-off after now: deleting a
     * still-valid pass's record would let the same pass be scanned again.
     */
    private static long tokenBound(long cutoff, Instant now) {
        return Math.min(cutoff, now.toEpochMilli());
    }

    /** Whether anything is due: the scheduled job records no purge when nothing is. */
    private boolean due(long cutoff, long tokenBound, long auditCutoff) {
        return db.read(c -> count(c, "SELECT EXISTS (SELECT 1 FROM scan_log WHERE scanned_at < ?)", cutoff) > 0
                || count(c, "SELECT EXISTS (SELECT 1 FROM audit_log WHERE at < ?)", auditCutoff) > 0
                || count(c, "SELECT EXISTS (SELECT 1 FROM token_use u WHERE expires_at < ? AND NOT EXISTS"
                        + " (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq))", tokenBound) > 0
                || count(c, "SELECT EXISTS (SELECT 1 FROM visitor v WHERE last_active_at < ? AND NOT EXISTS"
                        + " (SELECT 1 FROM scan_log s WHERE s.visitor_id = v.id AND s.scanned_at >= ?))",
                        cutoff, cutoff) > 0);
    }

    /**
     * Closes purges a crash left open, as abandoned, with the counts they had recorded chunk by
     * chunk. Only called under {@code purge.lock}, whose holder knows no other purge is alive. An
     * open purge would otherwise keep DELETE allowed up to its cut-off indefinitely.
     */
    private int closeAbandoned(Instant now) {
        List<long[]> open = writes.transaction(c -> {
            List<long[]> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, ifnull(purged_scans, 0), ifnull(purged_visitors, 0) FROM purge WHERE finished_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
                }
            }
            for (long[] p : ids) {
                closeRow(c, p[0], "abandoned", now.toEpochMilli());
            }
            return ids;
        });
        for (long[] p : open) {
            LOG.warn("retention: purge {} had been left open (a crash?); closed as abandoned after {} scans and {} "
                    + "visitors", p[0], p[1], p[2]);
        }
        return open.size();
    }

    private void close(long id, String outcome) {
        long now = clock.millis();
        writes.transaction(c -> {
            closeRow(c, id, outcome, now);
            return null;
        });
    }

    private void closeQuietly(long id, String outcome) {
        try {
            close(id, outcome);
        } catch (RuntimeException e) {
            // the next purge closes it (closeAbandoned)
            LOG.error("retention: could not close purge {}: {}", id, e.getMessage());
        }
    }

    private static void closeRow(Connection c, long id, String outcome, long now) throws SQLException {
        ChainHead head = ChainHead.read(c, ScanLog.NAME);
        Long firstSeq = null;
        byte[] firstPrev = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, prev_hash FROM scan_log ORDER BY seq LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                firstSeq = rs.getLong(1);
                firstPrev = rs.getBytes(2);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE purge SET finished_at = ?, outcome = ?, head_after = ?, first_seq = ?, first_prev_hash = ?,"
                        + " purged_scans = ifnull(purged_scans, 0), purged_visitors = ifnull(purged_visitors, 0),"
                        + " purged_token_uses = ifnull(purged_token_uses, 0) WHERE id = ? AND finished_at IS NULL")) {
            ps.setLong(1, now);
            ps.setString(2, outcome);
            ps.setBytes(3, head.hash());
            if (firstSeq == null) {
                ps.setNull(4, java.sql.Types.INTEGER);
            } else {
                ps.setLong(4, firstSeq);
            }
            ps.setBytes(5, firstPrev);
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes up to one chunk of the oldest scans older than the cut-off, and vouches in
     * {@code chain_resume} for every surviving row whose predecessor went. Oldest first by
     * {@code scanned_at}, which is not {@code seq} order: a late offline scan can be older than rows
     * appended before it, so its deletion can cut the chain in the middle, or at the newest end.
     */
    private long deleteScans(Connection c, long purgeId, long cutoff) throws SQLException {
        List<Long> deleted = new ArrayList<>(chunk);
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM scan_log WHERE seq IN (SELECT seq FROM scan_log WHERE scanned_at < ?"
                        + " ORDER BY scanned_at, seq LIMIT ?) RETURNING seq")) {
            ps.setLong(1, cutoff);
            ps.setInt(2, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getLong(1));
                }
            }
        }
        if (deleted.isEmpty()) {
            return 0;
        }
        long[] seqs = deleted.stream().mapToLong(Long::longValue).sorted().toArray();
        Set<Long> gone = new HashSet<>(deleted);
        ChainHead head = ChainHead.read(c, ScanLog.NAME);
        // Resume points of rows now deleted vouch for nothing any more.
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM chain_resume WHERE log = ? AND seq BETWEEN ? AND ?"
                        + " AND NOT EXISTS (SELECT 1 FROM scan_log s WHERE s.seq = chain_resume.seq)")) {
            ps.setString(1, ScanLog.NAME);
            ps.setLong(2, seqs[0]);
            ps.setLong(3, seqs[seqs.length - 1]);
            ps.executeUpdate();
        }
        try (PreparedStatement next = c.prepareStatement(
                "SELECT seq, prev_hash FROM scan_log WHERE seq > ? ORDER BY seq LIMIT 1");
             PreparedStatement resume = c.prepareStatement(
                "INSERT OR IGNORE INTO chain_resume(log, seq, prev_hash, purge_id) VALUES (?,?,?,?)")) {
            resume.setString(1, ScanLog.NAME);
            resume.setLong(4, purgeId);
            for (long s : seqs) {
                if (gone.contains(s + 1)) {
                    continue; // the end of this run of deleted rows finds the survivor
                }
                next.setLong(1, s);
                try (ResultSet rs = next.executeQuery()) {
                    if (rs.next()) {
                        resume.setLong(2, rs.getLong(1));
                        resume.setBytes(3, rs.getBytes(2));
                    } else {
                        // The newest rows went: vouch for the place the next entry will take, which
                        // will carry the hash of the (deleted) head.
                        resume.setLong(2, head.entries() + 1);
                        resume.setBytes(3, head.hash());
                    }
                }
                resume.executeUpdate();
            }
        }
        addCount(c, purgeId, "purged_scans", deleted.size());
        return deleted.size();
    }

    private long deleteTokenUses(Connection c, long purgeId, long bound) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM token_use WHERE token_id IN (SELECT token_id FROM token_use u WHERE expires_at < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq)"
                        + " ORDER BY expires_at LIMIT ?)")) {
            ps.setLong(1, bound);
            ps.setInt(2, chunk);
            n = ps.executeUpdate();
        }
        addCount(c, purgeId, "purged_token_uses", n);
        return n;
    }

    /**
     * Looks at one page of visitors inactive since the cut-off, after {@code key} (last_active_at,
     * id), and destroys those with no scan left. Visitors kept because a scan of theirs is still
     * held are stepped over, not looked at again. Returns {deleted, looked at}; advances key.
     */
    private long[] deleteVisitors(Connection c, long purgeId, long cutoff, long[] key) throws SQLException {
        List<long[]> page = new ArrayList<>(chunk);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, last_active_at FROM visitor WHERE last_active_at < ? AND (last_active_at, id) > (?, ?)"
                        + " ORDER BY last_active_at, id LIMIT ?")) {
            ps.setLong(1, cutoff);
            ps.setLong(2, key[0]);
            ps.setLong(3, key[1]);
            ps.setInt(4, chunk);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        long deleted = 0;
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM visitor WHERE id = ? AND NOT EXISTS (SELECT 1 FROM scan_log WHERE visitor_id = ?)")) {
            for (long[] v : page) {
                del.setLong(1, v[0]);
                del.setLong(2, v[0]);
                deleted += del.executeUpdate();
            }
        }
        if (!page.isEmpty()) {
            long[] last = page.get(page.size() - 1);
            key[0] = last[1];
            key[1] = last[0];
        }
        addCount(c, purgeId, "purged_visitors", deleted);
        return new long[] {deleted, page.size()};
    }

    private static void addCount(Connection c, long purgeId, String column, long n) throws SQLException {
        if (n == 0) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE purge SET " + column + " = " + column + " + ? WHERE id = ?")) {
            ps.setLong(1, n);
            ps.setLong(2, purgeId);
            ps.executeUpdate();
        }
    }

    /**
     * Makes the purged bytes leave the files: {@code secure_delete} has zeroed them in the pages
     * written to the WAL; the incremental vacuum hands free pages at the end of the file back, in
     * small steps so scans keep flowing; the TRUNCATE checkpoint copies everything into the main
     * file, where the old page images are overwritten, and empties the WAL, which held copies of
     * pages from before the purge.
     */
    private void reclaim() {
        try {
            long freed = 0;
            while (true) {
                long[] r = writes.transaction(c -> {
                    long before = count(c, "PRAGMA freelist_count");
                    if (before == 0) {
                        return new long[] {0, 0};
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA incremental_vacuum(" + VACUUM_PAGES + ")");
                    }
                    return new long[] {before - count(c, "PRAGMA freelist_count"), before};
                });
                freed += r[0];
                if (r[0] == 0) {
                    break;
                }
            }
            int[] cp = checkpoint();
            LOG.info("retention: {} free pages returned; WAL checkpoint {}", freed,
                    cp[0] == 0 ? "complete, WAL truncated" : "busy (will be retried by the next purge)");
        } catch (RuntimeException e) {
            // The deletions are committed and the purge is closed; a later purge reclaims the space.
            LOG.warn("retention: vacuum or checkpoint after the purge failed: {}", e.getMessage());
        }
    }

    /**
     * {@code PRAGMA wal_checkpoint(TRUNCATE)} on the write connection, between the writer's
     * transactions (it needs no open transaction on its connection). Returns SQLite's
     * {busy, log pages, checkpointed pages}.
     */
    int[] checkpoint() {
        Connection w = db.writer();
        synchronized (w) {
            try (Statement s = w.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
            } catch (SQLException e) {
                throw StoreException.from(e);
            }
        }
    }

    /** The newest closed purge and the oldest entry held, for {@code /health}: counts and instants only. */
    public static Map<String, Object> status(Connection c) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> last = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, finished_at, as_of, cutoff, purged_scans, purged_visitors, future_as_of, outcome,"
                        + " (SELECT count(*) FROM purge WHERE finished_at IS NOT NULL)"
                        + " FROM purge WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                last = new LinkedHashMap<>();
                last.put("purgeId", rs.getLong(1));
                last.put("at", Instant.ofEpochMilli(rs.getLong(2)).toString());
                last.put("asOf", Instant.ofEpochMilli(rs.getLong(3)).toString());
                last.put("cutoff", Instant.ofEpochMilli(rs.getLong(4)).toString());
                last.put("purgedScans", rs.getLong(5));
                last.put("purgedVisitors", rs.getLong(6));
                last.put("futureAsOf", rs.getInt(7) == 1);
                last.put("outcome", rs.getString(8) == null ? "done" : rs.getString(8));
                m.put("purges", rs.getLong(9));
            } else {
                m.put("purges", 0L);
            }
        }
        m.put("lastPurge", last);
        Long oldest = ScanQueries.oldestScan(c);
        m.put("oldestEntry", oldest == null ? null : Instant.ofEpochMilli(oldest).toString());
        return m;
    }

    private static long count(Connection c, String sql, long... params) throws SQLException {
        Long n = Sql.value(c, sql, params);
        return n == null ? 0 : n;
    }
}
