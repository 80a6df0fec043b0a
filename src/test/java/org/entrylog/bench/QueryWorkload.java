package org.entrylog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.entrylog.common.Ids;
import org.entrylog.official.TraceService;
import org.entrylog.store.Database;
import org.entrylog.visitor.PhoneHasher;
import org.entrylog.visitor.PhoneNumbers;
import org.entrylog.common.Json;

/**
 * The two official queries over HTTP on a generated log, audit write included: a venue's visits
 * over one day, and a trace of a case over 14 days with a 30-minute window. One client, one
 * request at a time (the latency an official sees), {@code queries} requests of each per repeat.
 */
final class QueryWorkload {
    private final Bench.Options o;
    private final long rows;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** The PostgreSQL database to generate the log into and query, or null for SQLite. */
    private final String databaseUrl;

    QueryWorkload(Bench.Options o, long rows) {
        this(o, rows, null);
    }

    QueryWorkload(Bench.Options o, long rows, String databaseUrl) {
        this.o = o;
        this.rows = rows;
        this.databaseUrl = databaseUrl;
    }

    void run(Bench.Report report) throws Exception {
        boolean pg = databaseUrl != null;
        String label = String.format("%,d", rows) + (pg ? ", postgres" : databaseUrl == null
                && o.args().getOrDefault("stores", "sqlite").contains("postgres") ? ", sqlite" : "");
        Path dir = o.work().resolve((pg ? "queries-pg-" : "queries-") + rows);
        System.out.println("contact queries at " + label + " scans (" + dir + ")");
        LogGenerator.Meta meta = LogGenerator.ensure(dir, rows, databaseUrl);
        report.note(label + " scans: " + meta.venues() + " venues, " + meta.visitors() + " visitors; generated in "
                + Stats.fmt(meta.generationSeconds()) + " s (indexes " + Stats.fmt(meta.indexSeconds()) + " s); file "
                + meta.fileBytes() / (1 << 20) + " MiB; scan_log with its indexes " + Stats.fmt(meta.scanBytesPerRow())
                + " B/scan");
        long gen = meta.generatedAt();
        if (!pg) try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME))) {
            report.note(label + " plan, venue visits: " + LogGenerator.plan(c,
                    "SELECT s.scan_id, v.public_id, s.scanned_at, s.direction, v.sealed_identity FROM scan_log s"
                            + " JOIN visitor v ON v.id = s.visitor_id WHERE s.venue_id = ? AND s.scanned_at >= ?"
                            + " AND s.scanned_at <= ? ORDER BY s.scanned_at, s.seq", 1, 0, gen));
            report.note(label + " plan, case scans: " + LogGenerator.plan(c,
                    "SELECT seq, visitor_id, venue_id, scanned_at, direction FROM scan_log WHERE visitor_id = ?"
                            + " AND scanned_at >= ? AND scanned_at <= ? ORDER BY scanned_at, seq", 1, 0, gen));
        }
        // officials sign in with a second factor (issue 14): give the bench official a fresh one
        String totpUri;
        try (org.entrylog.store.Database db = org.entrylog.store.Database.open(dir, databaseUrl, false)) {
            totpUri = new org.entrylog.official.SecondFactors(db,
                    org.entrylog.official.TotpSecrets.forDataDir(dir)).enroll(LogGenerator.OFFICIAL);
        }
        try (ServerProcess server = ServerProcess.start(dir, o.heap(),
                pg ? Map.of("ENTRYLOG_DATABASE_URL", databaseUrl) : Map.of(), dir.resolve("server.log"))) {
            report.add("server start incl. quick_check, " + label + " scans", "s", server.startSeconds);
            String base = server.base();
            String totp = org.entrylog.official.Totp.code(org.entrylog.official.Totp.secretOf(totpUri),
                    org.entrylog.official.Totp.step(System.currentTimeMillis()));
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/sessions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", LogGenerator.OFFICIAL,
                            "password", LogGenerator.PASSWORD, "totp", totp)))).build(), HttpResponse.BodyHandlers.ofString());
            String token = Json.MAPPER.readTree(login.body()).path("token").asText();
            SplittableRandom rnd = new SplittableRandom(7);
            for (int r = 1; r <= o.repeats(); r++) {
                long[] visits = new long[o.queries()];
                long[] traces = new long[o.queries()];
                long[] health = new long[o.queries()];
                long visitRows = 0;
                long contacts = 0;
                java.util.TreeMap<Double, Long> visitsTimer = null; // the server's own histogram, at i == 0
                java.util.TreeMap<Double, Long> commitTimer = null; // and its writer's COMMIT times
                for (int i = -warmupQueries(); i < o.queries(); i++) { // warm-up requests of each first (300)
                    if (i == 0) {
                        String scrape = server.scrape();
                        visitsTimer = histogram(scrape, VISITS_BUCKET);
                        commitTimer = histogram(scrape, COMMIT_BUCKET);
                    }
                    // the trace first: a venue's visits are listed only within the window of a case visit that a
                    // trace under the same caseRef found there (VenueListRule), so the venue query takes one of them
                    String phone = meta.casePhones().get(rnd.nextInt(meta.casePhones().size()));
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("phone", phone);
                    body.put("from", Instant.ofEpochMilli(gen).minus(Duration.ofDays(14)).toString());
                    body.put("to", Instant.ofEpochMilli(gen).toString());
                    body.put("windowMinutes", 30);
                    body.put("caseRef", "BENCH-2026-1");
                    long t2 = System.nanoTime();
                    JsonNode t = call(HttpRequest.newBuilder(URI.create(base + "/api/traces"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))), token);
                    long t3 = System.nanoTime();
                    JsonNode caseVisits = t.path("visits");
                    JsonNode visit = caseVisits.get(rnd.nextInt(Math.max(1, caseVisits.size())));
                    String venue = visit == null ? meta.venueIds().get(0) : visit.path("venueId").asText();
                    Instant at = visit == null ? Instant.ofEpochMilli(gen) : Instant.parse(visit.path("scannedAt").asText());
                    String url = base + "/api/venues/" + venue + "/visits?caseRef=BENCH-2026-1&from="
                            + enc(at.minus(Duration.ofMinutes(30)).toString()) + "&to="
                            + enc(at.plus(Duration.ofMinutes(30)).toString());
                    long t0 = System.nanoTime();
                    JsonNode v = call(HttpRequest.newBuilder(URI.create(url)).GET(), token);
                    long t1 = System.nanoTime();
                    long t4 = System.nanoTime();
                    http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    long t5 = System.nanoTime();
                    if (i >= 0) {
                        visits[i] = t1 - t0;
                        traces[i] = t3 - t2;
                        health[i] = t5 - t4;
                        visitRows += v.path("visits").size();
                        contacts += t.path("contacts").size();
                    }
                }
                long[] vs = Stats.sorted(visits);
                long[] ts = Stats.sorted(traces);
                report.add("venue visits p50, " + label + " scans", "ms", Stats.quantile(vs, 0.5) / 1e6);
                report.add("venue visits p95, " + label + " scans", "ms", Stats.quantile(vs, 0.95) / 1e6);
                report.add("trace p50, " + label + " scans", "ms", Stats.quantile(ts, 0.5) / 1e6);
                report.add("trace p95, " + label + " scans", "ms", Stats.quantile(ts, 0.95) / 1e6);
                // the same requests timed by the server itself (its request timer, from the request's
                // arrival in Javalin to its answer): what the client and the connection add is the rest
                String scrape = server.scrape();
                java.util.TreeMap<Double, Long> after = since(histogram(scrape, VISITS_BUCKET), visitsTimer);
                report.add("venue visits p50, the server's own time (request timer bucket), " + label + " scans", "ms",
                        bucketQuantile(after, 0.5) * 1e3);
                report.add("venue visits p95, the server's own time (request timer bucket), " + label + " scans", "ms",
                        bucketQuantile(after, 0.95) * 1e3);
                // every request above wrote its audit entry through the writer: the COMMIT's share of it
                java.util.TreeMap<Double, Long> commits = since(histogram(scrape, COMMIT_BUCKET), commitTimer);
                report.add("the server's write COMMIT p50 in the loop (its audit entries; timer bucket), " + label
                        + " scans", "ms", bucketQuantile(commits, 0.5) * 1e3);
                report.add("the server's write COMMIT p95 in the loop, " + label + " scans", "ms",
                        bucketQuantile(commits, 0.95) * 1e3);
                long[] hs = Stats.sorted(health);
                report.add("GET /health p50 in the same loop (the HTTP floor), " + label + " scans", "ms", Stats.quantile(hs, 0.5) / 1e6);
                report.add("GET /health p95 in the same loop, " + label + " scans", "ms", Stats.quantile(hs, 0.95) / 1e6);
                report.note(label + " repeat " + r + ": " + Stats.fmt((double) visitRows / o.queries())
                        + " visits per venue answer, " + Stats.fmt((double) contacts / o.queries())
                        + " contacts per trace; server RSS " + Stats.fmt(server.rssMiB()) + " MiB");
                direct(report, meta, dir, label);
            }
        }
    }

    /**
     * The same queries in this process, straight on TraceService over the file (no HTTP, no
     * session check, no audit write): what the SQL and the answer's assembly cost alone.
     */
    private void direct(Bench.Report report, LogGenerator.Meta meta, Path dir, String label) throws Exception {
        long gen = meta.generatedAt();
        SplittableRandom rnd = new SplittableRandom(11);
        PhoneHasher hasher = PhoneHasher.forDataDir(dir);
        PhoneNumbers phones = new PhoneNumbers("KR");
        try (Database db = Database.open(dir, databaseUrl, false)) {
            TraceService traces = new TraceService(db);
            long[] visits = new long[o.queries()];
            long[] trace = new long[o.queries()];
            long[] hash = new long[o.queries()];
            for (int i = -warmupQueries(); i < o.queries(); i++) {
                byte[] venue = Ids.decode(meta.venueIds().get(rnd.nextInt(meta.venueIds().size())), 16);
                long from = gen - Duration.ofDays(1 + rnd.nextInt(13)).toMillis();
                long t0 = System.nanoTime();
                traces.venueVisits(venue, from, from + Duration.ofDays(1).toMillis());
                long t1 = System.nanoTime();
                byte[] phoneHash = hasher.hash(phones.normalise(
                        meta.casePhones().get(rnd.nextInt(meta.casePhones().size()))).orElseThrow());
                long t2 = System.nanoTime();
                traces.trace("BENCH-2026-1", phoneHash, gen - Duration.ofDays(14).toMillis(), gen,
                        Duration.ofMinutes(30).toMillis(), gen - Duration.ofDays(28).toMillis(),
                        org.entrylog.official.RegionScope.NATIONAL);
                long t3 = System.nanoTime();
                if (i >= 0) {
                    visits[i] = t1 - t0;
                    trace[i] = t3 - t2;
                    hash[i] = t2 - t1;
                }
            }
            // the Argon2id phone hash every trace pays before its SQL (issue 14: the cost of one guess)
            report.add("case phone hash (Argon2id) p95, in-process, " + label + " scans", "ms",
                    Stats.quantile(Stats.sorted(hash), 0.95) / 1e6);
            report.add("venue visits p95 in-process (SQL + assembly, no HTTP/audit), " + label + " scans", "ms",
                    Stats.quantile(Stats.sorted(visits), 0.95) / 1e6);
            report.add("trace p95 in-process (SQL + assembly, no HTTP/audit), " + label + " scans", "ms",
                    Stats.quantile(Stats.sorted(trace), 0.95) / 1e6);
        }
        RawCommits.Result raw = databaseUrl != null ? StoreCompare.pgRawCommits(databaseUrl, Duration.ofSeconds(3))
                : RawCommits.measure(dir, Duration.ofSeconds(3), 100_000);
        String store = databaseUrl != null ? ", postgres" : "";
        report.add("durable commit on this disk p50 (the audit write's floor)" + store, "ms", raw.p50Millis());
        report.add("durable commit on this disk p99" + store, "ms", raw.p99Millis());
        if (databaseUrl == null) {
            RawCommits.Result paced = RawCommits.measure(dir, Duration.ofSeconds(3), 100_000, Duration.ofMillis(5));
            report.add("durable commit on this disk, one every 5 ms (as requests come), p50", "ms", paced.p50Millis());
            report.add("durable commit on this disk, one every 5 ms, p99", "ms", paced.p99Millis());
        }
    }

    /** Warm-up requests of each query before each repeat: {@code queryWarmup=} (default 300). */
    private int warmupQueries() {
        return Integer.parseInt(o.args().getOrDefault("queryWarmup", "300"));
    }

    private JsonNode call(HttpRequest.Builder b, String token) throws Exception {
        HttpResponse<String> r = http.send(b.header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("official query answered " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    /** The buckets of the venue-visits request timer and of the writer's COMMIT timer, as /metrics prints them. */
    private static final String VISITS_BUCKET = "http_server_requests_seconds_bucket{method=\"GET\",route=\""
            + "/api/venues/{venueId}/visits\",status=\"200\",le=\"";
    private static final String COMMIT_BUCKET = "entrylog_write_batch_commit_seconds_bucket{le=\"";

    /** A cumulative histogram less what it held before. */
    private static java.util.TreeMap<Double, Long> since(java.util.TreeMap<Double, Long> now,
                                                        java.util.TreeMap<Double, Long> before) {
        now.replaceAll((le, n) -> n - before.getOrDefault(le, 0L));
        return now;
    }

    /**
     * A cumulative histogram of a scrape, the lines that start with {@code prefix} (up to the
     * bucket's bound): bucket upper bound in seconds → events at or under it.
     */
    private static java.util.TreeMap<Double, Long> histogram(String body, String prefix) {
        java.util.TreeMap<Double, Long> out = new java.util.TreeMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith(prefix)) {
                String le = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
                out.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le),
                        (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return out;
    }

    /** The upper bound of the first bucket holding quantile {@code q} of a cumulative histogram (seconds). */
    static double bucketQuantile(java.util.TreeMap<Double, Long> cumulative, double q) {
        long total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        for (Map.Entry<Double, Long> e : cumulative.entrySet()) {
            if (total > 0 && e.getValue() >= Math.ceil(q * total)) {
                return e.getKey();
            }
        }
        return Double.NaN;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
