package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.entrylog.audit.AuditLog;
import org.entrylog.chain.LogVerifier;
import org.entrylog.official.LoginThrottle;
import org.entrylog.official.Officials;
import org.entrylog.retention.PurgeResult;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database, as behind a load balancer: what one does, the other sees;
 * a token raced across both is used once; an official's session works on either; purges started on
 * both at once destroy each row once; sign-in failures on one count on the other. Each server has
 * its own data folder holding the same keys.
 */
@Tag("slow")
class TwoServersTest {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;
    final MutableClock clock = new MutableClock(T0);
    TestApp a;
    TestApp b;

    @BeforeEach
    void start() {
        a = TestApp.on(TestApp.Store.POSTGRES, dirA, clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"));
        Officials.add(a, "kim"); // before the keys are copied: the second factor's key is one of them
        TestApp.copyKeys(dirA, dirB);
        b = TestApp.on(TestApp.Store.POSTGRES, dirB, clock, withStore(a, Map.of("ENTRYLOG_RATE_LIMITS", "off")));
    }

    @AfterEach
    void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
    }

    @Test
    void aPassIssuedByOneServerIsScannedThroughTheOther() {
        Visitor v = a.register("Kim Minsu", "010-1234-5678");
        Device d = a.venueWithDevice("Cafe");
        String token = a.pass(v);
        Response first = b.scan(d, token);
        assertEquals(201, first.status(), first.body());
        Response again = a.scan(d, token);
        assertEquals(200, again.status(), again.body());
        assertEquals(first.text("scanId"), again.text("scanId"), "the other server knows it is the same scan");
        assertEquals(1, a.count("SELECT count(*) FROM scan_log"));
        // and the other way round, with a visitor registered on the second server
        Visitor w = b.register("Lee", "010-2222-3333");
        assertEquals(201, a.scan(d, b.pass(w)).status());
        assertEquals(2, b.count("SELECT count(*) FROM scan_log"));
        assertChainsVerify();
    }

    @Test
    void aTokenRacedAcrossBothServersIsUsedOnce() throws Exception {
        Visitor v = a.register("Kim", "01012345678");
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            devices.add(a.venueWithDevice("Venue " + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                String token = (round % 2 == 0 ? a : b).pass(v);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Response>> answers = new ArrayList<>();
                for (int i = 0; i < devices.size(); i++) {
                    TestApp server = i % 2 == 0 ? a : b;
                    Device d = devices.get(i);
                    answers.add(pool.submit(() -> {
                        go.await();
                        return server.scan(d, token);
                    }));
                }
                go.countDown();
                int accepted = 0;
                int refused = 0;
                for (Future<Response> f : answers) {
                    Response r = f.get();
                    if (r.status() == 201) {
                        accepted++;
                    } else if (r.status() == 409) {
                        refused++;
                    } else {
                        throw new AssertionError("round " + round + ": " + r.status() + " " + r.body());
                    }
                }
                assertEquals(1, accepted, "round " + round);
                assertEquals(7, refused, "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, a.count("SELECT count(*) FROM scan_log"));
        assertEquals(5, a.count("SELECT count(*) FROM token_use"));
        assertChainsVerify();
    }

    @Test
    void anOfficialSignedInOnOneServerIsServedByTheOther() {
        Device door = a.venueWithDevice("Cafe");
        Officials.scanAt(a, door, a.register("Case", "010-1234-5678"), T0, "in");
        Officials.scanAt(b, door, b.register("Contact", "010-2222-3333"), T0.plusSeconds(300), "in");
        clock.set(T0.plus(Duration.ofDays(1)));
        String session = Officials.token(a, "kim");
        Response trace = b.post("/api/traces", Officials.trace("+82 10 1234 5678", T0.minus(Duration.ofHours(6)),
                T0.plus(Duration.ofHours(6)), 30, "CASE-2026-0001"), session);
        assertEquals(200, trace.status(), trace.body());
        assertEquals(1, trace.json().path("contacts").size(), trace.body());
        assertEquals(200, b.get("/api/sessions/current", session).status());
        // signed out on the second server: refused on the first
        Response out = b.send(HttpRequest.newBuilder(URI.create(b.base + "/api/sessions/current")).DELETE(), session);
        assertTrue(out.status() / 100 == 2, out.status() + " " + out.body());
        assertEquals(401, a.get("/api/sessions/current", session).status());
        // both servers' requests are in one audit chain
        assertTrue(a.count("SELECT count(*) FROM audit_log") >= 2);
        assertChainsVerify();
    }

    @Test
    void purgesStartedOnBothServersAtOnceDestroyEachRowOnce() throws Exception {
        Device d = a.venueWithDevice("Cafe");
        for (int i = 0; i < 6; i++) {
            clock.set(T0.plusSeconds(60L * i));
            TestApp server = i % 2 == 0 ? a : b;
            assertEquals(201, server.scan(d, server.pass(server.register("V" + i, "010-3000-000" + i))).status());
        }
        // so that the start-up purge rounds cannot race the test's own purges
        a.awaitStartupPurge(Duration.ofSeconds(30));
        b.awaitStartupPurge(Duration.ofSeconds(30));
        Instant asOf = T0.plus(Duration.ofDays(29));
        clock.set(asOf);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<PurgeResult>> runs = new ArrayList<>();
            for (TestApp server : List.of(a, b)) {
                runs.add(pool.submit((Callable<PurgeResult>) () -> {
                    go.await();
                    return server.app.purger.purge(asOf, Duration.ofSeconds(30));
                }));
            }
            go.countDown();
            PurgeResult ra = runs.get(0).get();
            PurgeResult rb = runs.get(1).get();
            assertEquals(6, ra.purgedScans() + rb.purgedScans(), "each row destroyed once");
            assertEquals(6, Math.max(ra.purgedScans(), rb.purgedScans()), "one purge ran; the other found nothing left");
            assertEquals(6, ra.purgedVisitors() + rb.purgedVisitors());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, a.count("SELECT count(*) FROM scan_log"));
        assertEquals(0, a.count("SELECT count(*) FROM purge WHERE finished_at IS NULL OR outcome <> 'done'"));
        assertChainsVerify();
    }

    @Test
    void signInFailuresOnOneServerCountOnTheOther(@TempDir Path dirC, @TempDir Path dirD) {
        try (TestApp c = TestApp.on(TestApp.Store.POSTGRES, dirC, clock, Map.of())) {
            Officials.add(c, "lee");
            TestApp.copyKeys(dirC, dirD);
            try (TestApp d = TestApp.on(TestApp.Store.POSTGRES, dirD, clock, c.sameStore())) {
                for (int i = 0; i < LoginThrottle.PER_ACCOUNT; i++) {
                    assertEquals(401, Officials.login(i % 2 == 0 ? c : d, "lee", "wrong password " + i).status());
                }
                Response limited = Officials.login(d, "lee", Officials.PASSWORD);
                assertEquals(429, limited.status(), "guesses spread over the servers add up: " + limited.body());
                assertEquals(429, Officials.login(c, "lee", Officials.PASSWORD).status());
            }
        }
    }

    private void assertChainsVerify() {
        for (TestApp t : List.of(a, b)) {
            LogVerifier.Result scans = t.app.db.read(ScanStore::verify);
            assertTrue(scans.ok(), scans.toString());
            LogVerifier.Result audit = t.app.db.read(AuditLog::verify);
            assertTrue(audit.ok(), audit.toString());
        }
    }

    private static Map<String, String> withStore(TestApp first, Map<String, String> env) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.putAll(first.sameStore());
        return e;
    }
}
