package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** `/metrics` speaks Prometheus and holds no id, name or token. */
@BothStores
class MetricsTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;

    @Test
    void metricsCountScansByOutcomeAndTimeRequestsByRouteTemplate() {
        try (TestApp t = TestApp.on(store, dir)) {
            Visitor v = t.register("Zebulon", "01024681357");
            Device d = t.venueWithDevice("Cafe");
            String token = t.pass(v);
            t.scan(d, token);
            t.scan(d, token);
            t.scan(d, "hello");
            Response m = t.get("/metrics", null);
            assertEquals(200, m.status());
            String body = m.body();
            assertTrue(body.contains("entrylog_scans_total{outcome=\"accepted\",reason=\"\"} 1.0"), body);
            assertTrue(body.contains("entrylog_scans_total{outcome=\"duplicate\",reason=\"\"} 1.0"), body);
            assertTrue(body.contains("entrylog_scans_total{outcome=\"refused\",reason=\"token_malformed\"} 1.0"), body);
            assertTrue(body.contains("entrylog_passes_issued_total 1.0"), body);
            // the pass was signed here: its scans were recognised without a signature check
            assertTrue(body.contains("entrylog_passes_remembered 1.0"), body);
            assertTrue(body.contains("entrylog_passes_signature_checks_total 0.0"), body);
            int at = token.length() - 10; // inside the signature: not a pass this server signed
            String forged = token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
            assertEquals(422, t.scan(d, forged).status());
            assertTrue(t.get("/metrics", null).body().contains("entrylog_passes_signature_checks_total 1.0"));
            assertTrue(body.contains("route=\"/api/visitors/{visitorId}/passes\""), body);
            assertTrue(body.contains("entrylog_database_size_bytes"), body);
            assertTrue(body.contains("entrylog_oldest_entry_age_seconds 0.0"), body);
            for (String secret : new String[] {v.id(), v.secret(), d.id(), d.secret(), token, "Zebulon", "2468"}) {
                assertFalse(body.contains(secret), "metrics hold " + secret);
            }
        }
    }

    /**
     * The metrics listen to the JVM's collectors, which outlive any server: a server that did not stop
     * listening when it closed stayed reachable from them, with its database, its passes and its
     * phone hash's memory (a test JVM that starts many servers ran short of heap).
     */
    @Test
    void aClosedServerIsLeftToTheCollector() throws Exception {
        java.lang.ref.WeakReference<Object> server;
        try (TestApp t = TestApp.on(store, dir)) {
            t.scan(t.venueWithDevice("Cafe"), t.pass(t.register("Zebulon", "01024681357")));
            assertEquals(200, t.get("/metrics", null).status());
            server = new java.lang.ref.WeakReference<>(t.app);
        }
        for (int i = 0; i < 50 && server.get() != null; i++) {
            System.gc();
            Thread.sleep(100); // threads the server stopped may still be ending
        }
        assertTrue(server.get() == null, "a closed server is still reachable");
    }

    @Test
    void theWritersBatchesAreTimedRunningAndCommittingApart() {
        try (TestApp t = TestApp.on(store, dir)) {
            Visitor v = t.register("Ona", "01024681358");
            Device d = t.venueWithDevice("Cafe");
            String token = t.pass(v);
            double before = Double.parseDouble(metric(t, "entrylog_write_batch_commit_seconds_count"));
            assertTrue(before >= 1, "the registration's batch at least: " + before);
            assertEquals(201, t.scan(d, token).status());
            // the writer times its batch after answering it (WriteQueue.Observer): the scrape may come first
            TestApp.await(() -> Double.parseDouble(metric(t, "entrylog_write_batch_commit_seconds_count")) >= before + 1);
            double after = Double.parseDouble(metric(t, "entrylog_write_batch_commit_seconds_count"));
            assertTrue(after >= before + 1, before + " → " + after);
            assertTrue(Double.parseDouble(metric(t, "entrylog_write_batch_commit_seconds_sum")) > 0);
            String body = t.get("/metrics", null).body();
            assertTrue(body.contains("entrylog_write_batch_running_seconds_count "), body);
            // buckets from 100 µs: a disk's sync time reads from the scrape
            assertTrue(body.contains("entrylog_write_batch_commit_seconds_bucket{le=\"1.0E-4\"}")
                    || body.matches("(?s).*entrylog_write_batch_commit_seconds_bucket\\{le=\"1\\.[0-9]+E-4\"\\}.*"), body);
        }
    }

    private Response withQueue(TestApp t, String path, String bearer, String queued, String oldest) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.base + path))
                .header("X-Entrylog-Queued", queued).GET();
        if (oldest != null) {
            b.header("X-Entrylog-Oldest-Queued", oldest);
        }
        return t.send(b, bearer);
    }

    @Test
    void tabletsQueueReportsShowAsTheScansQueuedAndTheOldestQueuedScansAge() {
        try (TestApp t = TestApp.on(store, dir)) {
            Device a = t.venueWithDevice("Cafe");
            Device b = t.venueWithDevice("Bar");
            String now = t.clock.instant().toString();
            assertTrue(t.get("/metrics", null).body().contains("entrylog_tablets_queued_scans 0.0"));
            assertTrue(t.get("/metrics", null).body().contains("entrylog_oldest_queued_scan_age_seconds 0.0"));
            // the occupancy poll is the scanner's heartbeat: it carries the report
            assertEquals(200, withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "3",
                    t.clock.instant().minusSeconds(600).toString()).status());
            assertEquals(200, withQueue(t, "/api/venues/" + b.venueId() + "/occupancy", b.secret(), "2",
                    t.clock.instant().minusSeconds(60).toString()).status());
            t.clock.advance(java.time.Duration.ofSeconds(30));
            String body = t.get("/metrics", null).body();
            assertTrue(body.contains("entrylog_tablets_queued_scans 5.0"), body);
            assertTrue(body.contains("entrylog_oldest_queued_scan_age_seconds 630.0"), body);

            // reports that cannot be believed change nothing; a queue sent away reports 0
            withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "lots", now);
            withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "-1", now);
            withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "9999999", now);
            assertTrue(t.get("/metrics", null).body().contains("entrylog_tablets_queued_scans 5.0"));
            withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "0", null);
            body = t.get("/metrics", null).body();
            assertTrue(body.contains("entrylog_tablets_queued_scans 2.0"), body);
            assertTrue(body.contains("entrylog_oldest_queued_scan_age_seconds 90.0"), body);
            // a time far in the future is not believed: the count stays, without an age
            withQueue(t, "/api/venues/" + b.venueId() + "/occupancy", b.secret(), "4",
                    t.clock.instant().plusSeconds(3600).toString());
            body = t.get("/metrics", null).body();
            assertTrue(body.contains("entrylog_tablets_queued_scans 4.0"), body);
            assertTrue(body.contains("entrylog_oldest_queued_scan_age_seconds 0.0"), body);

            // a revoked tablet's queue no longer counts
            assertTrue(t.app.venues.revoke(b.id()));
            assertTrue(t.get("/metrics", null).body().contains("entrylog_tablets_queued_scans 0.0"));
            for (String secret : new String[] {a.id(), a.secret(), b.id(), b.secret()}) {
                assertFalse(t.get("/metrics", null).body().contains(secret));
            }
        }
    }

    /** The value of an unlabelled metric in a scrape, or null when it is missing. */
    private static String metric(TestApp t, String name) {
        for (String line : t.get("/metrics", null).body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return line.substring(name.length() + 1);
            }
        }
        return null;
    }

    @Test
    void aRestartedServerShowsTheStoredQueuesAndTheTabletsScanningInTheLastHour() {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        Device a;
        Device quiet;
        Map<String, String> env;
        try (TestApp t = TestApp.on(store, dir, clock, Map.of())) {
            env = t.sameStore();
            a = t.venueWithDevice("Cafe");
            quiet = t.venueWithDevice("Closed for the season");
            assertEquals(200, withQueue(t, "/api/venues/" + a.venueId() + "/occupancy", a.secret(), "3",
                    clock.instant().minusSeconds(120).toString()).status());
            t.awaitCount("SELECT count(*) FROM device WHERE queued_scans = 3", 1);
            assertEquals("0.0", metric(t, "entrylog_tablets_seen_tablets")); // requests, but no scans yet
            // the tablet's scan time goes to the writer before the scan does, so it is committed by the 201
            assertEquals(201, t.scan(a, t.pass(t.register("Zebulon", "01024681357"))).status());
            assertEquals("1.0", metric(t, "entrylog_tablets_seen_tablets"));
        }
        clock.advance(Duration.ofMinutes(30));
        try (TestApp t = TestApp.on(store, dir, clock, env)) {
            // nothing of the queue is held in memory now: the stored report counts
            assertEquals("3.0", metric(t, "entrylog_tablets_queued_scans"));
            assertEquals("1920.0", metric(t, "entrylog_oldest_queued_scan_age_seconds"));
            assertEquals("1.0", metric(t, "entrylog_tablets_seen_tablets"));
            // an hour and a minute after its scan the tablet is no longer counted
            clock.advance(Duration.ofMinutes(31));
            assertEquals("0.0", metric(t, "entrylog_tablets_seen_tablets"));
            assertEquals("3.0", metric(t, "entrylog_tablets_queued_scans"));
            // the other tablet reports a queue (held, and written) and scans, even a pass that is refused
            assertEquals(200, withQueue(t, "/api/venues/" + quiet.venueId() + "/occupancy", quiet.secret(), "2",
                    null).status());
            t.awaitCount("SELECT count(*) FROM device WHERE queued_scans = 2", 1);
            assertEquals("0.0", metric(t, "entrylog_tablets_seen_tablets"));
            assertEquals(400, t.scan(quiet, "not a pass").status()); // token_malformed
            // a scan refused before anything is written is answered without waiting for the writer, which
            // has the tablet's scan time (DeviceSightings) still to commit: CI read the gauge first, twice
            t.awaitCount("SELECT count(*) FROM device WHERE last_scan_at IS NOT NULL", 2);
            assertEquals("1.0", metric(t, "entrylog_tablets_seen_tablets"));
            assertEquals("5.0", metric(t, "entrylog_tablets_queued_scans"));
            // a revoked tablet's stored queue no longer counts
            assertTrue(t.app.venues.revoke(a.id()));
            assertEquals("2.0", metric(t, "entrylog_tablets_queued_scans"));
            assertEquals("0.0", metric(t, "entrylog_oldest_queued_scan_age_seconds"));
        }
    }
}
