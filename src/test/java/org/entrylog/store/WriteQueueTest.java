package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** The same promise when nobody waits on a thread (a scan's answer, {@code Pending.future}). */
    @Test
    void anAnswerWaitedForWithoutAThreadIsGivenUpAsAwaitWould() throws Exception {
        try (Database db = Database.open(dir)) {
            WriteQueue q = new WriteQueue(db, Duration.ofMillis(300)).start();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            java.util.concurrent.CompletableFuture<Integer> stuck = q.submit(c -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }).future();
            Thread.sleep(50);
            long t0 = System.nanoTime();
            java.util.concurrent.CompletableFuture<Integer> queued = q.submit(c -> ran.incrementAndGet()).future();
            var notBegun = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> queued.get(5, TimeUnit.SECONDS));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(waited >= 300, "given up after the answer timeout, not before: " + waited + " ms");
            assertEquals(StoreUnavailable.class, notBegun.getCause().getClass());
            assertTrue(notBegun.getCause().getMessage().contains("nothing was written"), notBegun.getCause().getMessage());
            // the stuck task was begun: given up a second timeout later, without the promise of nothing written
            var begun = assertThrows(java.util.concurrent.ExecutionException.class, () -> stuck.get(5, TimeUnit.SECONDS));
            assertEquals(503, ErrorMapper.of(begun.getCause()).status());
            assertFalse(begun.getCause().getMessage().contains("nothing was written"));
            release.countDown();
            assertEquals(Integer.valueOf(1), q.execute(c -> ran.incrementAndGet()), "the writer goes on");
            assertEquals(1, ran.get(), "the given-up write never ran");
            // a completed answer is the writer's, whatever is done to the future handed out
            java.util.concurrent.CompletableFuture<Integer> mine = q.submit(c -> 7).future();
            mine.cancel(true);
            assertEquals(Integer.valueOf(8), q.execute(c -> 8));
            q.close();
        }
    }
}
