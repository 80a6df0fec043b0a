package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.entrylog.cli.Main;
import org.entrylog.chain.LogVerifier;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Purges racing each other and racing scans (docs/threat-model.md T33, T34). */
@Tag("slow")
class PurgeConcurrencyTest {
    @TempDir
    Path dir;

    @Test
    void twoPurgesAtOnceDestroyEachRowOnceAndLeaveNoPurgeOpen() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            t.venueWithDevice("Cafe");
            Fixture.bulkScans(t, 6000, 3, T0);
            Instant asOf = T0.plus(Duration.ofDays(29));
            t.clock.set(asOf);
            Fixture.awaitStartupRound(t);
            long visitors = t.count("SELECT count(*) FROM visitor");

            ExecutorService pool = Executors.newFixedThreadPool(3);
            CountDownLatch go = new CountDownLatch(1);
            try {
                Future<PurgeResult> a = pool.submit(() -> {
                    go.await();
                    return Fixture.purge(t, asOf);
                });
                Future<PurgeResult> b = pool.submit(() -> {
                    go.await();
                    return Fixture.purge(t, asOf);
                });
                // A third, from the command line in the same moment, on the running server's folder.
                Future<String> cli = pool.submit(() -> {
                    go.await();
                    StringWriter out = new StringWriter();
                    int code = Main.run(new PrintWriter(out), "purge", "--data", dir.toString(),
                            "--as-of", asOf.toString());
                    assertEquals(0, code, out.toString());
                    return out.toString();
                });
                go.countDown();
                long cliScans = Json.MAPPER.readTree(cli.get()).path("purgedScans").asLong();
                long cliVisitors = Json.MAPPER.readTree(cli.get()).path("purgedVisitors").asLong();
                PurgeResult ra = a.get();
                PurgeResult rb = b.get();
                assertEquals(6000, ra.purgedScans() + rb.purgedScans() + cliScans);
                assertEquals(visitors, ra.purgedVisitors() + rb.purgedVisitors() + cliVisitors);
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, t.count("SELECT count(*) FROM scan_log"));
            assertEquals(3, t.count("SELECT count(*) FROM purge"));
            assertEquals(0, t.count("SELECT count(*) FROM purge WHERE finished_at IS NULL OR outcome <> 'done'"));
            assertEquals(6000, t.count("SELECT sum(purged_scans) FROM purge"));
            assertTrue(Fixture.verify(t).ok());
        }
    }

    @Test
    void aPurgeDuringAStreamOfScansLosesNoAcknowledgedScanAndAnswersNo5xx() throws Exception {
        try (TestApp t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            var d = t.venueWithDevice("Cafe");
            Fixture.bulkScans(t, 30_000, 5, T0);
            Instant asOf = T0.plus(Duration.ofDays(29));
            t.clock.set(asOf);
            Fixture.awaitStartupRound(t);
            // Passes made beforehand so the stream is only scans.
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                var v = t.register("V" + i, "010-7000-" + String.format("%04d", i));
                for (int j = 0; j < 40; j++) {
                    tokens.add(t.pass(v));
                }
            }
            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean purging = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> scanners = new ArrayList<>();
            int[] during = new int[1];
            for (int w = 0; w < 4; w++) {
                int worker = w;
                scanners.add(pool.submit(() -> {
                    for (int i = worker; i < tokens.size(); i += 4) {
                        TestApp.Response r = t.post("/api/scans", Map.of("token", tokens.get(i)), d.secret());
                        if (r.status() == 201) {
                            acknowledged.add(r.text("scanId"));
                            if (purging.get()) {
                                synchronized (during) {
                                    during[0]++;
                                }
                            }
                        } else {
                            failures.add(r.status() + " " + r.body());
                        }
                    }
                }));
            }
            PurgeResult r = Fixture.purge(t, asOf);
            purging.set(false);
            for (Future<?> f : scanners) {
                f.get();
            }
            pool.shutdown();

            assertEquals(30_000, r.purgedScans());
            assertTrue(failures.isEmpty(), "refused or failed scans: " + failures);
            assertEquals(tokens.size(), acknowledged.size());
            assertTrue(during[0] > 0, "some scans were acknowledged while the purge ran");
            for (String scanId : acknowledged) {
                assertTrue(Fixture.scanHeld(t, scanId), "acknowledged scan " + scanId + " is held");
            }
            assertEquals(tokens.size(), t.count("SELECT count(*) FROM scan_log"));
            LogVerifier.Result check = Fixture.verify(t);
            assertTrue(check.ok(), check.problem());
        }
    }
}
