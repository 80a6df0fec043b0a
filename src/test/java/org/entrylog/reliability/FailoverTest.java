package org.entrylog.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.entrylog.common.Ids;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.Postgres;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standby that loses nothing (docs/threat-model.md T21, on PostgreSQL): two servers on a primary
 * with a synchronous standby take a stream of scans from several threads; the primary is SIGKILLed
 * mid-stream, the standby promoted, the servers restarted on it; every scan a server acknowledged
 * (201) is there, {@code verify} is ok, and the chain goes on.
 */
@Tag("crash")
class FailoverTest {
    static final int THREADS = 6;
    static final int PASSES = 240;
    static final int KILL_AFTER = 60;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @Test
    void everyAcknowledgedScanIsOnThePromotedStandby() throws Exception {
        Postgres.assumeAvailable();
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        try (Postgres.Pair pair = Postgres.primaryWithSyncStandby()) {
            Map<String, String> onPrimary = env(pair.primaryUrl());
            Map<String, String> onStandby = env(pair.standbyUrl());
            List<String> tokens = new ArrayList<>();
            List<Device> devices = new ArrayList<>();
            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            TestApp a = new TestApp(dirA, clock, onPrimary);
            TestApp b = null;
            try {
                for (int i = 0; i < THREADS; i++) {
                    devices.add(a.venueWithDevice("Door " + i));
                }
                for (int i = 0; i < PASSES; i++) {
                    tokens.add(a.pass(a.register("V" + i / 20, "010-5000-" + String.format("%04d", i / 20))));
                }
                TestApp.copyKeys(dirA, dirB);
                b = new TestApp(dirB, clock, onPrimary);
                List<TestApp> servers = List.of(a, b);

                // The stream: each thread scans its share of the passes, alternating servers.
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < THREADS; w++) {
                    int worker = w;
                    workers.add(pool.submit(() -> {
                        for (int i = worker; i < tokens.size(); i += THREADS) {
                            TestApp server = servers.get(i % 2);
                            Response r;
                            try {
                                r = server.scan(devices.get(worker), tokens.get(i));
                            } catch (RuntimeException e) {
                                refused.incrementAndGet(); // no answer: not acknowledged
                                if (killed.get()) {
                                    return;
                                }
                                continue;
                            }
                            if (r.status() == 201 || r.status() == 200) {
                                acknowledged.add(r.text("scanId"));
                            } else {
                                refused.incrementAndGet();
                                if (killed.get()) {
                                    return; // the database is gone: this door stops
                                }
                            }
                        }
                    }));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (acknowledged.size() < KILL_AFTER && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                killed.set(true);
                pair.killPrimary(); // mid-stream: requests are in flight on both servers
                for (Future<?> f : workers) {
                    f.get(180, TimeUnit.SECONDS);
                }
                pool.shutdown();
            } finally {
                a.close();
                if (b != null) {
                    b.close();
                }
            }
            assertTrue(acknowledged.size() >= KILL_AFTER, "acknowledged before the kill: " + acknowledged.size());
            assertTrue(refused.get() > 0, "the kill came mid-stream: some scans were refused");

            pair.promoteStandby();
            try (TestApp a2 = new TestApp(dirA, clock, onStandby); TestApp b2 = new TestApp(dirB, clock, onStandby)) {
                Set<String> held = scanIds(a2);
                List<String> lost = acknowledged.stream().filter(id -> !held.contains(id)).toList();
                assertEquals(List.of(), lost, acknowledged.size() + " acknowledged, " + held.size() + " on the standby");

                Cli.Run verify = Cli.withEnv(Map.of(TestApp.DATABASE_URL, pair.standbyUrl()), "verify", "--data", dirA.toString());
                JsonNode v = verify.json();
                assertEquals(0, verify.exit(), verify.out());
                assertTrue(v.path("ok").asBoolean(), verify.out());
                assertEquals(held.size(), v.path("entries").asInt(), verify.out());

                // The chain goes on, through either server.
                Response next = b2.scan(devices.get(0), b2.pass(b2.register("After", "010-6000-0001")));
                assertEquals(201, next.status(), next.body());
                assertEquals(0, Cli.withEnv(Map.of(TestApp.DATABASE_URL, pair.standbyUrl()), "verify", "--data",
                        dirB.toString()).exit());
            }
        }
    }

    private static Map<String, String> env(String url) {
        return Map.of(TestApp.DATABASE_URL, url, "ENTRYLOG_RATE_LIMITS", "off");
    }

    private static Set<String> scanIds(TestApp t) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = t.connect(); PreparedStatement ps = c.prepareStatement("SELECT scan_id FROM scan_log");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(Ids.encode(rs.getBytes(1)));
            }
        }
        return ids;
    }
}
