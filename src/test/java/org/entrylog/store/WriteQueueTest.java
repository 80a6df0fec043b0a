package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
