package org.entrylog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.entrylog.common.Ids;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.ScanStore;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.SigningKeys;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import org.entrylog.common.Json;

/**
 * Scan ingest and pass issuance over HTTP against a fresh server in a child JVM, with the raw
 * durable-commit rate of the same disk measured in the same repeat. After the load the server is
 * stopped and its file is checked: every acknowledged scan is a row, the chain verifies, and the
 * bytes each scan takes (table, indexes and its token_use row) are read from {@code dbstat}.
 */
final class HttpWorkloads {
    private final Bench.Options o;
    HttpWorkloads(Bench.Options o) {
        this.o = o;
    }

    void run(int repeat, Bench.Report report) throws Exception {
        ScanFixture fx = new ScanFixture(o.work().resolve("http-" + repeat), o.clients());
        Path dir = fx.dir;
        RawCommits.Result raw = RawCommits.measure(dir, Duration.ofSeconds(o.seconds()), 1_000_000);
        report.add("raw durable commits (JDBC, WAL, synchronous=FULL)", "commits/s", raw.commitsPerSecond());
        report.add("raw durable commit p99", "ms", raw.p99Millis());

        try (ServerProcess server = ServerProcess.start(dir, o.heap(), Map.of(), dir.resolve("server.log"))) {
            String base = server.base();
            fx.enroll(base, o.visitors());
            List<String> devices = fx.devices;
            int visitorCount = o.visitors();
            String[] visitorIds = fx.visitorIds;
            String[] visitorSecrets = fx.visitorSecrets;
            int perClient = o.maxPerClient();
            String[][] tokens = fx.passes(o.clients(), perClient);

            RssSampler rss = new RssSampler(server);
            Cpu cpu = new Cpu(server);
            Load.Result ingest = Load.run(o.clients(), Duration.ofSeconds(o.warmup()), Duration.ofSeconds(o.seconds()),
                    perClient / 2, 201, (c, i) -> send(base + "/api/scans",
                            "{\"token\":\"" + tokens[c][i] + "\"}", devices.get(c)));
            double ingestRss = rss.stop();
            cpu.report(report, "scan", ingest);
            report.add("scan ingest, " + o.clients() + " clients", "scans/s", ingest.rate());
            report.add("scan ingest / raw durable commits", "×", ingest.rate() / raw.commitsPerSecond());
            report.add("scan ingest p50", "ms", ingest.millis(0.50));
            report.add("scan ingest p99", "ms", ingest.millis(0.99));
            report.add("server RSS max during ingest (-Xmx" + o.heap() + ")", "MiB", ingestRss);
            report.note("ingest repeat " + repeat + ": statuses " + ingest.statuses() + (firstRefusal == null ? ""
                    : ", first refusal " + firstRefusal) + (ingest.exhausted()
                    ? " (a client used all its pre-made passes: raise maxPerClient)" : ""));

            // the same, as tablets that were offline send it: /api/scans/batch, 50 scans a request
            int batch = 50;
            int batches = perClient / batch;
            int[] offset = {0};
            Load.Result batched = Load.run(o.clients(), Duration.ofSeconds(2), Duration.ofSeconds(o.seconds() / 2),
                    batches / 2, 200, (c, i) -> {
                        StringBuilder body = new StringBuilder("{\"scans\":[");
                        String at = Instant.now().toString();
                        for (int k = 0; k < batch; k++) {
                            // the second half of each client's passes: the first half went to single scans
                            body.append(k == 0 ? "" : ",").append("{\"token\":\"")
                                    .append(tokens[c][perClient / 2 + i * batch + k]).append("\",\"scannedAt\":\"")
                                    .append(at).append("\"}");
                        }
                        return send(base + "/api/scans/batch", body.append("]}").toString(), devices.get(c));
                    });
            report.add("scan ingest via /api/scans/batch (50 a request), " + o.clients() + " clients", "scans/s",
                    batched.rate() * batch);
            report.add("batch ingest / raw durable commits", "×", batched.rate() * batch / raw.commitsPerSecond());
            report.note("batch repeat " + repeat + ": request statuses " + batched.statuses());

            rss = new RssSampler(server);
            cpu = new Cpu(server);
            Load.Result passes = Load.run(o.clients(), Duration.ofSeconds(o.warmup()), Duration.ofSeconds(o.seconds()),
                    100_000, 201, (c, i) -> {
                        int v = (c + o.clients() * i) % visitorCount;
                        return send(base + "/api/visitors/" + visitorIds[v] + "/passes", "", visitorSecrets[v]);
                    });
            double passRss = rss.stop();
            cpu.report(report, "pass", passes);
            report.add("pass issuance with qrPng, " + o.clients() + " clients", "passes/s", passes.rate());
            report.add("pass issuance p99", "ms", passes.millis(0.99));
            report.add("server RSS max during pass issuance (-Xmx" + o.heap() + ")", "MiB", passRss);
            report.note("passes repeat " + repeat + ": statuses " + passes.statuses());
        }

        // the server is stopped: every acknowledged scan must be in the file, in an intact chain
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement s = c.createStatement()) {
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM scan_log")) {
                rows = rs.getLong(1);
            }
            LogVerifier.Result verified = ScanStore.verify(c);
            if (!verified.ok() || verified.entries() != rows) {
                throw new IllegalStateException("the scan log does not verify after the load: " + verified.toJson());
            }
            long bytes = 0;
            try (ResultSet rs = s.executeQuery("SELECT sum(pgsize) FROM dbstat WHERE name IN ('scan_log',"
                    + " 'scan_log_venue_time', 'scan_log_visitor_time', 'scan_log_time', 'token_use')")) {
                bytes = rs.getLong(1);
            }
            report.add("bytes on disk per scan (scan_log + its 3 indexes + token_use)", "B", (double) bytes / rows);
            report.note("file check repeat " + repeat + ": " + rows + " scans in scan_log, chain verifies");
        }
        Bench.deleteTree(dir);
    }

    /** The first refusal's body, kept for the report: a load that is mostly refused measures nothing. */
    private volatile String firstRefusal;

    private int send(String url, String body, String bearer) throws Exception {
        HttpResponse<byte[]> r = ScanFixture.HTTP.send(ScanFixture.request(url, body, bearer), HttpResponse.BodyHandlers.ofByteArray());
        int status = r.statusCode();
        if (status == 200 && url.endsWith("/batch")) {
            // a batch answers 200 whatever its items did: count it only when every item was accepted
            JsonNode results = Json.MAPPER.readTree(r.body()).path("results");
            for (JsonNode item : results) {
                if (item.path("status").asInt() != 201) {
                    status = item.path("status").asInt();
                    if (firstRefusal == null) {
                        firstRefusal = item.toString();
                    }
                    break;
                }
            }
        } else if (status >= 300 && firstRefusal == null) {
            firstRefusal = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return status;
    }

    /**
     * CPU used by the server and by this load generator over a load (warm-up included), per answered
     * request: on two cores, the two together bound the rate.
     */
    static final class Cpu {
        private final ServerProcess server;
        private final double server0;
        private final double serverSys0;
        private final double self0;

        Cpu(ServerProcess server) {
            this.server = server;
            this.server0 = server.cpuSeconds();
            this.serverSys0 = ServerProcess.cpuTimes(server.process.pid())[1];
            this.self0 = ServerProcess.cpuSeconds(ProcessHandle.current().pid());
        }

        void report(Bench.Report report, String what, Load.Result r) {
            report.note(what + " CPU per request, all " + r.all() + " requests of the run: server "
                    + Stats.fmt((server.cpuSeconds() - server0) * 1e6 / r.all()) + " µs (of which system "
                    + Stats.fmt((ServerProcess.cpuTimes(server.process.pid())[1] - serverSys0) * 1e6 / r.all())
                    + " µs), load generator "
                    + Stats.fmt((ServerProcess.cpuSeconds(ProcessHandle.current().pid()) - self0) * 1e6 / r.all())
                    + " µs");
        }
    }

    /** Samples the server's RSS every 200 ms until stopped; returns the largest. */
    static final class RssSampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private volatile double max = Double.NaN;

        RssSampler(ServerProcess server) {
            thread = new Thread(() -> {
                for (int i = 0; i < 10_000 && running.get(); i++) {
                    double v = server.rssMiB();
                    if (Double.isNaN(max) || v > max) {
                        max = v;
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss");
            thread.setDaemon(true);
            thread.start();
        }

        double stop() throws InterruptedException {
            running.set(false);
            thread.join(2000);
            return max;
        }
    }
}
