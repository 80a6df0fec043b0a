package org.entrylog.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the write-ahead log into the main file on a thread and a connection of its own, so the
 * single writer never does it (SQLite only).
 *
 * <p>Left to SQLite, the connection that commits past 1,000 WAL pages copies them into the main
 * file itself, and syncs it, before its commit returns: the scans of that group commit wait for
 * writes scattered over the whole file. While the file fits in memory that is a few milliseconds;
 * on a file larger than memory (issue 18: 35 GB at Korea's 28-day volume) every copied page is a
 * random write, and during a purge, whose chunks dirty pages all over the file, those copies were
 * what a concurrent scan waited for. Here the writer's automatic checkpoint is off and this thread
 * runs {@code PRAGMA wal_checkpoint(PASSIVE)} a moment after commits: a passive checkpoint takes no
 * lock a writer needs, so commits go on while it copies.
 *
 * <p>Two things SQLite's own checkpoints gave for free are kept by hand. <b>The log must restart</b>:
 * SQLite writes from the start of the WAL again only when a write begins with every frame copied,
 * which under steady load a checkpoint on another thread rarely sees (commits land while it copies).
 * So once the log holds {@link #RESTART_FRAMES} and this thread has copied all but
 * {@link #HANDOFF_FRAMES} of it, the writer, between two batches, copies that small rest itself
 * ({@link #finishOnWriter}); its next write then starts the log over (unless a reader still uses
 * it, as before). <b>Bulk writers must not outrun the disk</b>: a purge writes pages all over the
 * file far faster than they can be copied into it; {@link #backlog} lets it wait between its chunks
 * (scans do not wait), so the WAL stays small and the purge goes at the disk's pace.
 *
 * <p>Durability does not depend on it: a commit is durable once its frames are synced to the WAL
 * ({@code synchronous=FULL}); checkpoints only move them.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);
    /** How often it looks for new commits: a checkpoint copies at most this long's writes. */
    static final long INTERVAL_MS = 100;
    /** SQLite's own threshold, restored on the writer when this stops; also when the log should restart. */
    private static final int SQLITE_AUTOCHECKPOINT_PAGES = 1000;
    static final long RESTART_FRAMES = SQLITE_AUTOCHECKPOINT_PAGES;
    /** At most this much (1 MB of 4 KiB pages) is left for the writer to copy when it restarts the log. */
    static final long HANDOFF_FRAMES = 256;

    private final Database db;
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    /** From the last checkpoint: frames in the WAL, and of those not yet copied into the file. */
    private volatile long logFrames;
    private volatile long backlog;
    private volatile boolean running = true;
    private long lastWarning;

    private Checkpointer(Database db) {
        this.db = db;
        this.thread = new Thread(this::loop, "entrylog-checkpointer");
        this.thread.setDaemon(true);
    }

    /** Turns the writer's automatic checkpoints off and starts the thread; null on PostgreSQL. */
    static Checkpointer start(Database db) {
        if (db.isPostgres()) {
            return null;
        }
        Checkpointer cp = new Checkpointer(db);
        setAutocheckpoint(db, 0);
        cp.thread.start();
        return cp;
    }

    /** Told by the writer after each commit; costs the writer one atomic increment. */
    void committed() {
        commits.incrementAndGet();
    }

    /** Checkpoints run so far (tests). */
    long checkpoints() {
        return checkpoints.get();
    }

    private void loop() {
        long seen = 0;
        try (Connection c = db.openCheckpointConnection()) {
            while (running) {
                try {
                    TimeUnit.MILLISECONDS.sleep(INTERVAL_MS);
                } catch (InterruptedException e) {
                    break;
                }
                long now = commits.get();
                if (now != seen) {
                    seen = now;
                    checkpoint(c);
                }
            }
        } catch (SQLException e) {
            LOG.warn("WAL checkpointer stopped ({}); the writer checkpoints by itself again", e.getMessage());
        } finally {
            setAutocheckpoint(db, SQLITE_AUTOCHECKPOINT_PAGES);
        }
    }

    /** Frames written to the WAL but not yet copied into the file, as of the last checkpoint. */
    long backlog() {
        return backlog;
    }

    /**
     * Called by the writer between batches, holding the write connection and no transaction: when
     * the log is long enough to restart and nearly all of it is copied, copies the rest, so that its
     * next write starts the log over.
     */
    void finishOnWriter(Connection w) {
        if (logFrames < RESTART_FRAMES || backlog > HANDOFF_FRAMES) {
            return;
        }
        logFrames = 0; // asked again only after the thread's next checkpoint has looked
        try (Statement s = w.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        } catch (SQLException e) {
            LOG.debug("writer's checkpoint: {}", e.getMessage()); // busy: the thread's next round goes on
        }
    }

    private void checkpoint(Connection c) {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (rs.next() && rs.getLong(2) >= 0) { // busy (a reader) still says how far it got
                long log = rs.getLong(2);
                backlog = log - rs.getLong(3);
                logFrames = log;
            }
            checkpoints.incrementAndGet();
        } catch (SQLException e) {
            // busy or an I/O error: the frames stay in the WAL (durable) and the next round tries again
            long now = System.nanoTime();
            if (lastWarning == 0 || now - lastWarning > TimeUnit.MINUTES.toNanos(1)) {
                LOG.warn("WAL checkpoint failed, will retry: {}", e.getMessage());
                lastWarning = now;
            }
        }
    }

    private static void setAutocheckpoint(Database db, int pages) {
        Connection w = db.writer();
        synchronized (w) {
            try (Statement s = w.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint = " + pages);
            } catch (SQLException e) {
                // a closed database at shutdown: nothing left to checkpoint for
                LOG.debug("wal_autocheckpoint = {}: {}", pages, e.getMessage());
            }
        }
    }

    /** Stops the thread; the writer checkpoints by itself again, and closing the database copies the rest. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
