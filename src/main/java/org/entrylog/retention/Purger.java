package org.entrylog.retention;

import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.entrylog.audit.AuditLog;
import org.entrylog.chain.ChainHead;
import org.entrylog.notice.Notices;
import org.entrylog.official.Approvals;
import org.entrylog.official.TraceReach;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.entrylog.visitor.VisitorService;
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
 *   <li>delete scans in chunks of at most {@link #chunk} rows ({@link ChunkPace}: fewer while a
 *       chunk's transaction takes longer than {@link ChunkPace#TARGET_MS}; each chunk's pages read on
 *       a reader first, {@link ScanStore#readAheadOldest}), oldest first, recording in
 *       {@code chain_resume} every place where the chain now starts after a deleted row, and
 *       adding the chunk's count to the purge row in the same transaction;</li>
 *   <li>the same for {@code token_use} and for inactive visitors;</li>
 *   <li>what traces found, approvals and exposure notices about visits older than the cut-off;</li>
 *   <li>close the purge row (after which no DELETE passes);</li>
 *   <li>{@code PRAGMA incremental_vacuum} in chunks, then {@code wal_checkpoint(TRUNCATE)}.</li>
 * </ol>
 *
 * <p>The purger orchestrates; each table's rows are deleted by its owner ({@link ScanStore},
 * {@link VisitorService}, {@link AuditLog}), the purge's own record is kept by {@link PurgeLog},
 * and the space is reclaimed by {@link Reclaimer}.
 *
 * <p>Inside the server every chunk goes through the {@link WriteQueue}, so scans interleave with
 * the purge and none waits longer than one chunk; the {@code purge} command writes through its
 * own connection and SQLite's lock, waiting for the server between chunks.
 */
public final class Purger {
    private static final Logger LOG = LoggerFactory.getLogger(Purger.class);
    public static final int DEFAULT_CHUNK = 250; // measured: the longest stall a concurrent scan sees, 75 ms at 250, ~100 ms at 500, 330–840 ms at 2,000 (BENCHMARKS.md)

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
    private final Reclaimer reclaimer;
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
        this.reclaimer = new Reclaimer(db, writes);
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
                        ScanStore.countOlderThan(c, cutoff),
                        ScanStore.countVisitorsWithoutScansSince(c, cutoff),
                        ScanStore.countTokenUsesDue(c, tokenBound, cutoff),
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
                lock = PurgeLock.acquire(db, wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Busy("Interrupted while waiting for another purge.");
            }
            if (lock == null) {
                throw new Busy("Another purge (" + (db.isPostgres() ? "on any server of this database" : PurgeLock.FILE_NAME
                        + " is held") + ") is still running; "
                        + "try again when it has finished.");
            }
            try (lock; Database.Held small = db.checkpoints(Database.Checkpoints.SMALL)) {
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
        long id = writes.transaction(c -> PurgeLog.open(c, as, cutoff, started, future, runBy,
                ChainHead.read(c, ScanStore.NAME).hash()));
        long scans = 0;
        long tokens = 0;
        long visitors = 0;
        long audit = 0;
        boolean stopped = false;
        ChunkPace pace = new ChunkPace(chunk);
        try {
            long n;
            while (!(stopped = stop.getAsBoolean())
                    && readAhead(c -> ScanStore.readAheadOldest(c, cutoff, pace.rows()))
                    && (n = pace.run(rows -> writes.transaction(c -> deleteScans(c, id, cutoff, rows)))) > 0) {
                scans += n;
            }
            while (!stopped && !(stopped = stop.getAsBoolean())
                    && readAhead(c -> ScanStore.readAheadTokenUses(c, tokenBound, pace.rows()))
                    && (n = pace.run(rows -> writes.transaction(c -> deleteTokenUses(c, id, tokenBound, rows)))) > 0) {
                tokens += n;
            }
            VisitorService.Inactive[] after = {new VisitorService.Inactive(Long.MIN_VALUE, Long.MIN_VALUE)};
            while (!stopped && !(stopped = stop.getAsBoolean())) {
                long[] r = writes.transaction(c -> deleteVisitors(c, id, cutoff, after));
                visitors += r[0];
                if (r[1] == 0) {
                    break;
                }
            }
            if (!stopped) {
                // what traces found, approvals and exposure notices go with the scans they refer to
                // (docs/design.md, the approval rule and Exposure notices); notices while the purge is open
                writes.transaction(c -> TraceReach.deleteVisitsOlderThan(c, cutoff)
                        + Approvals.deleteRequestedBefore(c, cutoff) + Notices.deleteVisitsOlderThan(c, cutoff));
            }
            if (!stopped && auditCutoff != Long.MIN_VALUE) {
                audit = writes.transaction(c -> {
                    PurgeLog.auditCutoff(c, id, auditCutoff);
                    long deleted = AuditLog.deleteOlderThan(c, id, auditCutoff);
                    PurgeLog.add(c, id, PurgeLog.Count.AUDIT, deleted);
                    return deleted;
                });
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
            reclaimer.reclaim();
        }
        return result;
    }

    /**
     * Reads the next chunk's pages on a reader before the chunk goes to the writer (SQLite only: a
     * PostgreSQL purge drops whole days, and its server reads ahead itself). Always true, to sit in
     * the loops' conditions; a failed read-ahead costs only speed.
     */
    private boolean readAhead(Database.SqlFunction<java.sql.Connection, Integer> pages) {
        if (!db.isPostgres()) {
            try {
                db.read(pages);
            } catch (RuntimeException e) {
                LOG.debug("retention: read-ahead failed: {}", e.getMessage());
            }
        }
        return true;
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
        return db.read(c -> ScanStore.anyOlderThan(c, cutoff)
                || AuditLog.anyOlderThan(c, auditCutoff)
                || ScanStore.anyTokenUseDue(c, tokenBound)
                || ScanStore.anyVisitorWithoutScansSince(c, cutoff));
    }

    /**
     * Closes purges a crash left open, as abandoned, with the counts they had recorded chunk by
     * chunk. Only called under {@code purge.lock}, whose holder knows no other purge is alive. An
     * open purge would otherwise keep DELETE allowed up to its cut-off indefinitely.
     */
    private int closeAbandoned(Instant now) {
        List<PurgeLog.Open> open = writes.transaction(c -> {
            List<PurgeLog.Open> left = PurgeLog.open(c);
            for (PurgeLog.Open p : left) {
                closeRow(c, p.id(), "abandoned", now.toEpochMilli());
            }
            return left;
        });
        for (PurgeLog.Open p : open) {
            LOG.warn("retention: purge {} had been left open (a crash?); closed as abandoned after {} scans and {} "
                    + "visitors", p.id(), p.purgedScans(), p.purgedVisitors());
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

    private static void closeRow(java.sql.Connection c, long id, String outcome, long now)
            throws java.sql.SQLException {
        PurgeLog.close(c, id, outcome, now, ChainHead.read(c, ScanStore.NAME).hash(), ScanStore.first(c));
    }

    /**
     * How many rows the next chunk deletes. A concurrent scan waits for the chunk in progress (and
     * may share the next one's transaction), so a chunk's transaction, its commit and the checkpoint
     * that commit may run included, should stay short whatever the file: 250 rows took 10–20 ms on a
     * file that fits in memory and 50 ms and more on a 35 GB one whose pages are read from disk
     * (issue 18). Starts at an eighth of the configured chunk (the first pages read are the coldest),
     * halved when a chunk took longer than {@link #TARGET_MS}, grown by a quarter (up to the
     * configured chunk) when one took less than half of it.
     */
    static final class ChunkPace {
        static final long TARGET_MS = 25;
        static final int MIN_ROWS = 8;

        private final int max;
        private int rows;

        ChunkPace(int max) {
            this.max = max;
            this.rows = Math.max(Math.min(MIN_ROWS, max), max / 8);
        }

        long run(java.util.function.IntFunction<Long> chunkOf) {
            long t0 = System.nanoTime();
            long n = chunkOf.apply(rows);
            adapt((System.nanoTime() - t0) / 1_000_000);
            return n;
        }

        void adapt(long millis) {
            if (millis > TARGET_MS) {
                rows = Math.max(Math.min(MIN_ROWS, max), rows / 2);
            } else if (millis < TARGET_MS / 2) {
                rows = Math.min(max, rows + Math.max(1, rows / 4));
            }
        }

        int rows() {
            return rows;
        }
    }

    private long deleteScans(java.sql.Connection c, long purgeId, long cutoff, int rows) throws java.sql.SQLException {
        int n = ScanStore.deleteOlderThan(c, purgeId, cutoff, rows);
        PurgeLog.add(c, purgeId, PurgeLog.Count.SCANS, n);
        return n;
    }

    private long deleteTokenUses(java.sql.Connection c, long purgeId, long bound, int rows)
            throws java.sql.SQLException {
        int n = ScanStore.deleteTokenUses(c, bound, rows);
        PurgeLog.add(c, purgeId, PurgeLog.Count.TOKEN_USES, n);
        return n;
    }

    /**
     * Looks at one page of visitors inactive since the cut-off, after {@code after[0]}, and destroys
     * those with no scan left. Visitors kept because a scan of theirs is still held are stepped over,
     * not looked at again. Returns {deleted, looked at}; advances {@code after[0]}.
     */
    private long[] deleteVisitors(java.sql.Connection c, long purgeId, long cutoff, VisitorService.Inactive[] after)
            throws java.sql.SQLException {
        List<VisitorService.Inactive> page = VisitorService.inactive(c, cutoff, after[0], chunk);
        long deleted = 0;
        for (VisitorService.Inactive v : page) {
            if (!ScanStore.hasScans(c, v.id()) && VisitorService.delete(c, v.id())) {
                deleted++;
            }
        }
        if (!page.isEmpty()) {
            after[0] = page.get(page.size() - 1);
        }
        PurgeLog.add(c, purgeId, PurgeLog.Count.VISITORS, deleted);
        return new long[] {deleted, page.size()};
    }
}
