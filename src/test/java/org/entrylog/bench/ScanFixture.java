package org.entrylog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Ids;
import org.entrylog.common.Json;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.SigningKeys;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;

/**
 * What a scan load needs, made the same way for every workload: a data folder with one venue per
 * client, then (once the server runs) one enrolled tablet per venue, registered visitors, and fresh
 * passes signed beforehand with the server's own keys, so the load itself is only scans.
 */
final class ScanFixture {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final Path dir;
    final List<String> enrollmentCodes = new ArrayList<>();
    final PassCodec codec;
    final List<String> devices = new ArrayList<>();
    String[] visitorIds;
    String[] visitorSecrets;
    String[][] tokens;

    /** A fresh data folder with {@code venues} venues; the server is not started yet. */
    ScanFixture(Path dir, int venues) throws Exception {
        this(dir, venues, null);
    }

    /** As above, on the PostgreSQL database {@code databaseUrl} when it is not null (the folder then holds keys). */
    ScanFixture(Path dir, int venues, String databaseUrl) throws Exception {
        this.dir = dir;
        Bench.deleteTree(dir);
        Files.createDirectories(dir);
        Clock clock = Clock.systemUTC();
        try (Database db = Database.open(dir, databaseUrl, false)) {
            VenueService vs = new VenueService(db, clock);
            for (int i = 0; i < venues; i++) {
                enrollmentCodes.add(vs.add("Bench venue " + i, null).enrollmentCode());
            }
        }
        codec = new PassCodec(SigningKeys.openOrCreate(dir, clock), PassCodec.pseudonymKey(dir));
    }

    /** Enrolls one tablet per venue and registers {@code visitors} visitors through the running server. */
    void enroll(String base, int visitors) throws Exception {
        for (String code : enrollmentCodes) {
            devices.add(post(base + "/api/devices", Json.write(Map.of("enrollmentCode", code)), null)
                    .path("secret").asText());
        }
        visitorIds = new String[visitors];
        visitorSecrets = new String[visitors];
        for (int i = 0; i < visitors; i++) {
            JsonNode v = post(base + "/api/visitors",
                    Json.write(Map.of("name", "Bench Visitor", "phone", String.format("010%08d", i))), null);
            visitorIds[i] = v.path("visitorId").asText();
            visitorSecrets[i] = v.path("secret").asText();
        }
    }

    /** {@code perClient} fresh passes for each of {@code clients} clients, valid for 30 minutes from now. */
    String[][] passes(int clients, int perClient) throws Exception {
        tokens = new String[clients][perClient];
        Instant now = Instant.now();
        for (int c = 0; c < clients; c++) {
            for (int i = 0; i < perClient; i++) {
                byte[] visitor = Ids.decode(visitorIds[visitorOf(c, i)], 16);
                tokens[c][i] = codec.issue(visitor, now, 1800);
            }
        }
        return tokens;
    }

    /**
     * As {@link #passes}, but each pass asked of the running server ({@code POST
     * /api/visitors/{id}/passes?qrPng=false}), as a visitor's phone would: the server then knows the
     * passes it signed ({@code pass.IssuedPasses}). Asked in the order the clients use them, so the
     * last ones asked, which a bounded memory keeps, are the ones scanned last. The server must give
     * passes a lifetime longer than the run ({@link #LONG_TTL}).
     */
    String[][] passesFromServer(String base, int clients, int perClient) throws Exception {
        tokens = new String[clients][perClient];
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            // small chunks on 8 threads: the passes are asked within 8 × 8 of the order they are used, so
            // the server's memory (131,072, oldest forgotten first) holds the measured half of 2 × 4,000 × 32
            int chunk = 8;
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int from = 0; from < perClient; from += chunk) {
                int start = from;
                done.add(pool.submit(() -> {
                    for (int i = start; i < Math.min(perClient, start + chunk); i++) {
                        for (int c = 0; c < clients; c++) {
                            int v = visitorOf(c, i);
                            tokens[c][i] = post(base + "/api/visitors/" + visitorIds[v] + "/passes?qrPng=false",
                                    "{}", visitorSecrets[v]).path("token").asText();
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return tokens;
    }

    /** Whose pass client {@code c} shows at its {@code i}-th scan: spread over the registered visitors. */
    private int visitorOf(int c, int i) {
        return (c * 7919 + i) % visitorIds.length;
    }

    /** The pass lifetime a server needs for {@link #passesFromServer}: the longest allowed. */
    static final Map<String, String> LONG_TTL = Map.of("ENTRYLOG_TOKEN_TTL_SECONDS", "3600");

    static JsonNode post(String url, String body, String bearer) throws Exception {
        // a kept connection found closed fails a request with no answer ("header parser received no bytes",
        // seen twice in sessions 9 and 10; likeliest a connection the one shared client kept to an earlier
        // server whose port the new one was given): the client drops it and the next try goes on another
        // connection (8 tries: the fixture asks on 8 threads). What is asked here may be asked twice: a
        // registration or a pass more, which no figure counts.
        HttpResponse<String> r = null;
        for (int attempt = 1; r == null; attempt++) {
            try {
                r = HTTP.send(request(url, body, bearer), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                if (attempt == 8) {
                    throw e;
                }
            }
        }
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    static HttpRequest request(String url, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b.build();
    }
}
