package org.entrylog.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.entrylog.common.Ids;
import org.entrylog.testing.Cli;
import org.entrylog.testing.ServerProcess;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/threat-model.md T21: {@code serve} runs as a child process while 8 client threads scan fresh passes
 * (single scans, re-scans that must come back as duplicates, and batches), and is killed with
 * SIGKILL at a random moment; sometimes also while it is still starting. After every kill, before
 * the restart, the data folder must hold every scan that was acknowledged with 201 or 200 (matched
 * by scanId), {@code PRAGMA integrity_check} must be {@code ok} and {@code verify} must exit 0 with
 * as many entries as the table has rows. Then the server is started again on the same folder.
 *
 * <p>SQLite only (it checks the SQLite file with {@code PRAGMA integrity_check}); on PostgreSQL the
 * same promise, with a standby, is {@link FailoverTest}'s.
 *
 * <p>Rounds: 3 in the normal test run; {@code -Dentrylog.crash.rounds=N} for a soak
 * ({@code scripts/crash-soak.sh}). {@code -Dentrylog.crash.seed=S} replays a run's timings.
 */
@Tag("crash")
class CrashSafetyTest {
    private static final int ROUNDS = Integer.getInteger("entrylog.crash.rounds", 3);
    private static final int THREADS = 8;
    private static final Map<String, String> ENV = Map.of("ENTRYLOG_RATE_LIMITS", "off");

    @TempDir
    Path dir;

    /** What one round of load achieved. */
    private record Load(int acknowledged, int refused5xx, int transportFailures) {}

    @Test
    void everyAcknowledgedScanSurvivesSigkillAtRandomMoments() throws Exception {
        long seed = Long.getLong("entrylog.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path data = dir.resolve("data");
        Path log = dir.resolve("serve-stderr.log");
        var venue = Cli.run("venue", "add", "--data", data.toString(), "--name", "Crash test cafe");
        assertEquals(0, venue.exit(), venue.out());
        String code = venue.json().path("enrollmentCode").asText();

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        int survived = 0;
        int startupKills = 0;
        int serverErrors = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            String where = "round " + round + " of " + ROUNDS + " (seed " + seed + ")";
            if (round > 1 && random.nextInt(4) == 0) {
                // killed while starting: opening, checking and migrating the database must be crash-safe too
                ServerProcess early = ServerProcess.launch(data, log, ENV);
                Thread.sleep(random.nextInt(1500));
                early.kill();
                startupKills++;
                assertSurvived(data, acknowledged, where + ", after a kill during start-up");
            }
            try (ServerProcess server = ServerProcess.launch(data, log, ENV)) {
                JsonNode started = server.awaitStarted(60);
                String base = started.path("url").asText();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                Load load = driveAndKill(server, http, base, code, random, acknowledged);
                serverErrors += load.refused5xx();
                assertTrue(load.acknowledged() > 0, where + ": no scan was acknowledged before the kill");
            }
            assertSurvived(data, acknowledged, where);
            survived++;
        }
        // and it still starts and takes scans after the last kill
        try (ServerProcess server = ServerProcess.launch(data, log, ENV)) {
            String base = server.awaitStarted(60).path("url").asText();
            HttpClient http = HttpClient.newHttpClient();
            String device = post(http, base + "/api/devices", "{\"enrollmentCode\":\"" + code + "\"}", null)
                    .path("secret").asText();
            JsonNode v = post(http, base + "/api/visitors", "{\"name\":\"Last\",\"phone\":\"01055550000\"}", null);
            String token = pass(http, base, v.path("visitorId").asText(), v.path("secret").asText());
            assertEquals(201, post(http, base + "/api/scans", "{\"token\":\"" + token + "\"}", device)
                    .path("_status").asInt());
            server.process.destroy();
            server.process.waitFor();
        }
        System.out.printf("crash-safety: %d of %d SIGKILL rounds survived (%d during start-up), %d acknowledged scans"
                + " all present, %d 5xx answers under load, seed %d%n",
                survived, ROUNDS, startupKills, acknowledged.size(), serverErrors, seed);
        assertEquals(ROUNDS, survived);
    }

    /**
     * Enrolls a device and registers one visitor per thread, runs the threads until a random
     * moment after at least 20 acknowledgements, then SIGKILLs the server mid-load.
     */
    private Load driveAndKill(ServerProcess server, HttpClient http, String base, String code, Random random,
                              Set<String> acknowledged) throws Exception {
        String device = post(http, base + "/api/devices", "{\"enrollmentCode\":\"" + code + "\"}", null)
                .path("secret").asText();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acks = new AtomicInteger();
        AtomicInteger refused5xx = new AtomicInteger();
        AtomicInteger transport = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            JsonNode v = post(http, base + "/api/visitors",
                    "{\"name\":\"Visitor " + i + "\",\"phone\":\"0101234" + (1000 + i) + "\"}", null);
            String visitorId = v.path("visitorId").asText();
            String secret = v.path("secret").asText();
            Random own = new Random(random.nextLong());
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        int kind = own.nextInt(10);
                        if (kind < 2) {
                            StringBuilder body = new StringBuilder("{\"scans\":[");
                            int n = 1 + own.nextInt(4);
                            for (int k = 0; k < n; k++) {
                                body.append(k == 0 ? "" : ",").append("{\"token\":\"")
                                        .append(pass(http, base, visitorId, secret)).append("\",\"scannedAt\":\"")
                                        .append(java.time.Instant.now()).append("\"}");
                            }
                            JsonNode r = post(http, base + "/api/scans/batch", body.append("]}").toString(), device);
                            count(r.path("_status").asInt(), null, refused5xx);
                            for (JsonNode item : r.path("results")) {
                                if (acknowledge(item.path("status").asInt(), item, acknowledged, refused5xx)) {
                                    acks.incrementAndGet();
                                }
                            }
                        } else {
                            String token = pass(http, base, visitorId, secret);
                            String body = "{\"token\":\"" + token + "\"}";
                            JsonNode r = post(http, base + "/api/scans", body, device);
                            if (acknowledge(r.path("_status").asInt(), r, acknowledged, refused5xx)) {
                                acks.incrementAndGet();
                            }
                            if (kind == 2) { // the same pass again: a duplicate, same scanId, no new row
                                JsonNode again = post(http, base + "/api/scans", body, device);
                                if (acknowledge(again.path("_status").asInt(), again, acknowledged, refused5xx)) {
                                    acks.incrementAndGet();
                                }
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        transport.incrementAndGet(); // the server died mid-request: nothing was acknowledged
                        if (!server.process.isAlive()) {
                            return;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "crash-client-" + i);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (acks.get() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(random.nextInt(1500));
        server.kill();
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        return new Load(acks.get(), refused5xx.get(), transport.get());
    }

    /** Records the scanId of a 201 or 200 answer; true when it was one. */
    private static boolean acknowledge(int status, JsonNode answer, Set<String> acknowledged, AtomicInteger refused5xx) {
        if (status == 201 || status == 200) {
            String id = answer.path("scanId").asText();
            assertTrue(!id.isEmpty(), "an acknowledged scan without a scanId: " + answer);
            acknowledged.add(id);
            return true;
        }
        count(status, answer, refused5xx);
        return false;
    }

    private static void count(int status, JsonNode answer, AtomicInteger refused5xx) {
        if (status == 500) {
            throw new AssertionError("500 under load: " + answer);
        }
        if (status >= 500) {
            refused5xx.incrementAndGet();
        }
    }

    /** The checks after a kill, with no server running: integrity, every acknowledged scan, and the chain. */
    private static void assertSurvived(Path data, Set<String> acknowledged, String where) throws Exception {
        Set<String> present = new HashSet<>();
        long rows;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                rs.next();
                assertEquals("ok", rs.getString(1), where + ": integrity_check");
            }
            try (ResultSet rs = s.executeQuery("SELECT scan_id FROM scan_log")) {
                while (rs.next()) {
                    present.add(Ids.encode(rs.getBytes(1)));
                }
            }
            rows = present.size();
        }
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(present);
        assertTrue(lost.isEmpty(), where + ": " + lost.size() + " acknowledged scans are missing, e.g. "
                + lost.stream().limit(3).toList());
        var verified = Cli.run("verify", "--data", data.toString());
        assertEquals(0, verified.exit(), where + ": verify " + verified.out());
        assertEquals(rows, verified.json().path("entries").asLong(), where + ": verify counts every row");
    }

    private static String pass(HttpClient http, String base, String visitorId, String secret)
            throws IOException, InterruptedException {
        JsonNode r = post(http, base + "/api/visitors/" + visitorId + "/passes", "", secret);
        if (r.path("_status").asInt() != 201) {
            throw new IllegalStateException("pass refused: " + r);
        }
        return r.path("token").asText();
    }

    private static JsonNode post(HttpClient http, String url, String body, String bearer)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = Json.MAPPER.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
        return n;
    }
}
