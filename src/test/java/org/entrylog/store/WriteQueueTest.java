package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.entrylog.web.ErrorMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single writer answers only durable outcomes: a write it told "503" never happens later. */
class WriteQueueTest {
    @TempDir
    Path dir;

    @Test
    void aWriteWhoseWaiterGaveUpIsNeverRun() throws Exception {
        try (Database db = Database.open(dir)) {
            WriteQueue q = new WriteQueue(db, Duration.ofMillis(300)).start();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            WriteQueue.Pending<Integer> blocker = q.submit(c -> {
                try {
                    release.await(10, TimeUnit.SECONDS); // the writer is stuck (a slow disk, a held lock)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            });
            Thread.sleep(50);
            StoreUnavailable e = assertThrows(StoreUnavailable.class, () -> q.execute(c -> ran.incrementAndGet()));
            assertEquals(503, ErrorMapper.of(e).status());
            assertEquals("unavailable", ErrorMapper.of(e).code());
            release.countDown();
            assertEquals(Integer.valueOf(1), blocker.await(), "a started write is waited for, even past the timeout");
            int after = q.execute(c -> ran.incrementAndGet());
            assertEquals(1, after, "the writer goes on");
            assertEquals(1, ran.get(), "the cancelled write never ran: '503, nothing written' was true");
            q.close();
        }
    }

    /**
     * The writer copies nothing from the WAL into the file (issue 18: on a file larger than memory
     * those copies are random writes a scan waited for); the checkpointer's thread does, while
     * commits go on, and hands the writer its automatic checkpoints back when it stops.
     */
    @Test
    void theWalIsCopiedIntoTheFileByTheCheckpointerNotByTheWriter() throws Exception {
        try (Database db = Database.open(dir)) {
            assertEquals(1000L, Sql.value(db.writer(), "PRAGMA wal_autocheckpoint"), "SQLite's default before");
            WriteQueue q = new WriteQueue(db).start();
            assertEquals(0L, Sql.value(db.writer(), "PRAGMA wal_autocheckpoint"), "the writer does not checkpoint");
            q.execute(c -> exec(c, "CREATE TABLE bulk(b BLOB)"));
            long fileBefore = Files.size(db.file());
            for (int i = 0; i < 100; i++) {
                q.execute(c -> exec(c, "INSERT INTO bulk VALUES (randomblob(65536))")); // 100 × 16 pages
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.size(db.file()) < fileBefore + 6_000_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.size(db.file()) >= fileBefore + 6_000_000,
                    "the 6.5 MB written reached the main file, copied there by the checkpointer");
            assertTrue(q.backgroundCheckpoints() > 0);
            q.execute(c -> exec(c, "INSERT INTO bulk VALUES (randomblob(100))"));
            assertEquals(Long.valueOf(101), db.read(c -> Sql.value(c, "SELECT count(*) FROM bulk")), "commits went on");
            q.close();
            assertEquals(1000L, Sql.value(db.writer(), "PRAGMA wal_autocheckpoint"), "handed back on close");
        }
    }

    /**
     * Under steady writes a checkpoint on another thread rarely finds every frame copied, which is
     * what lets SQLite start the log over: without the writer's hand-off the WAL grew by everything
     * written (1.5 GB in two minutes of a purge, issue 18). 40 MB written from four threads must
     * leave it at a few MB.
     */
    @Test
    void theWalStaysSmallUnderSteadyWrites() throws Exception {
        try (Database db = Database.open(dir)) {
            WriteQueue q = new WriteQueue(db).start();
            q.execute(c -> exec(c, "CREATE TABLE bulk(b BLOB)"));
            Path wal = Path.of(db.file() + "-wal");
            java.util.concurrent.atomic.AtomicLong largest = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread watch = new Thread(() -> {
                while (!done.get()) {
                    try {
                        largest.accumulateAndGet(Files.exists(wal) ? Files.size(wal) : 0, Math::max);
                        Thread.sleep(5);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            watch.start();
            java.util.concurrent.ExecutorService writers = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                all.add(writers.submit(() -> {
                    for (int i = 0; i < 2500; i++) {
                        q.execute(c -> exec(c, "INSERT INTO bulk VALUES (randomblob(4000))"));
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : all) {
                f.get(120, TimeUnit.SECONDS);
            }
            writers.shutdown();
            done.set(true);
            watch.join();
            assertEquals(Long.valueOf(10_000), db.read(c -> Sql.value(c, "SELECT count(*) FROM bulk")));
            assertTrue(largest.get() < 16_000_000, "the WAL restarted: largest " + largest.get() + " bytes");
            q.close();
        }
    }

    private static int exec(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
