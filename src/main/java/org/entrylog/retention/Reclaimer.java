package org.entrylog.retention;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;
import org.entrylog.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes purged bytes leave the files: {@code secure_delete} has zeroed them in the pages written
 * to the WAL; the incremental vacuum hands free pages at the end of the file back, in small steps
 * so scans keep flowing; the TRUNCATE checkpoint copies everything into the main file, where the
 * old page images are overwritten, and empties the WAL, which held copies of pages from before the
 * purge.
 */
final class Reclaimer {
    private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
    /** Pages freed per vacuum step at most: about 8 MB of 4 KiB pages, a few milliseconds while the file is in memory. */
    private static final int VACUUM_PAGES = 2000;

    private final Database db;
    private final Purger.Writes writes;

    Reclaimer(Database db, Purger.Writes writes) {
        this.db = db;
        this.writes = writes;
    }

    /** Vacuums and checkpoints; a failure is logged, not thrown (a later purge reclaims the space). */
    void reclaim() {
        if (db.isPostgres()) {
            // SQLite only: PostgreSQL has no incremental vacuum or WAL checkpoint to ask for here. The
            // purged days' partitions were dropped (their files unlinked); the rows deleted from the
            // cut-off's own day stay in their pages until autovacuum reuses them and their day is
            // dropped by a later purge (README, "When to choose PostgreSQL").
            return;
        }
        try {
            long t0 = System.nanoTime();
            long freed = 0;
            // steps of fewer pages while a step takes long: on a 35 GB file one of 2,000 pages held a
            // concurrent scan for 592 ms (issue 18)
            Purger.ChunkPace pace = new Purger.ChunkPace(VACUUM_PAGES);
            long n;
            while ((n = pace.run(pages -> {
                long[] r = writes.transaction(c -> {
                    long before = freePages(c);
                    if (before == 0) {
                        return new long[] {0, 0};
                    }
                    try (Statement s = c.createStatement()) {
                        s.execute("PRAGMA incremental_vacuum(" + pages + ")");
                    }
                    return new long[] {before - freePages(c), before};
                });
                return r[0];
            })) > 0) {
                freed += n;
            }
            long t1 = System.nanoTime();
            int[] cp = checkpoint();
            LOG.info("retention: {} free pages returned in {} ms; WAL checkpoint {} in {} ms", freed,
                    (t1 - t0) / 1_000_000, cp[0] == 0 ? "complete, WAL truncated" : "busy (will be retried by the next purge)",
                    (System.nanoTime() - t1) / 1_000_000);
        } catch (RuntimeException e) {
            // The deletions are committed and the purge is closed; a later purge reclaims the space.
            LOG.warn("retention: vacuum or checkpoint after the purge failed: {}", e.getMessage());
        }
    }

    private static long freePages(Connection c) throws SQLException {
        Long n = Sql.value(c, "PRAGMA freelist_count");
        return n == null ? 0 : n;
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
}
