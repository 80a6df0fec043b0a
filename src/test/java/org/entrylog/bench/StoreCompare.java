package org.entrylog.bench;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.Postgres;
import org.entrylog.testing.TestApp;

/**
 * Issue 17: single-scan ingest on SQLite and on PostgreSQL in one run, alternating stores, with one
 * server and with two ({@code workloads=stores stores=sqlite,postgres servers=1,2}).
 *
 * <p>PostgreSQL is a private cluster of this run ({@link Postgres#privateCluster}, fsync and
 * {@code synchronous_commit} on, {@code shared_buffers=128MB}), a new database per run. Two servers
 * are two {@code serve} child JVMs on one database, the second with a copy of the first's keys, and
 * client {@code c} sends to server {@code c % 2}. Two servers on one SQLite file are not a supported
 * deployment, so SQLite runs with one server only. Each run also measures its store's raw durable
 * commit rate (SQLite: {@link RawCommits}; PostgreSQL: single-row INSERT + COMMIT over JDBC) and
 * the CPU of every server JVM and, on PostgreSQL, of the cluster's processes (the postmaster and
 * everything under it), over the measured window (after the warm-up), per accepted scan.
 */
final class StoreCompare implements AutoCloseable {
    private final Bench.Options o;
    private final List<String> stores;
    private final List<Integer> servers;
    private final int rawSeconds;
    private Postgres.Cluster cluster;

    StoreCompare(Bench.Options o) {
        this.o = o;
        this.stores = List.of(o.args().getOrDefault("stores", "sqlite,postgres").split(","));
        this.servers = new ArrayList<>();
        for (String s : o.args().getOrDefault("servers", "1,2").split(",")) {
            servers.add(Integer.parseInt(s.trim()));
        }
        this.rawSeconds = Integer.parseInt(o.args().getOrDefault("rawSeconds", "10"));
    }

    /** One repeat: every server count, and within it every store in turn. */
    void run(int repeat, Bench.Report report) throws Exception {
        for (int n : servers) {
            for (String store : stores) {
                if (store.equals("sqlite") && n > 1) {
                    continue; // one SQLite file has one server
                }
                one(repeat, store.trim(), n, report);
            }
        }
    }

    /** A new, empty database on this run's cluster, started on first use. */
    String newDatabase() {
        if (cluster == null) {
            cluster = Postgres.privateCluster("entrylog-bench-pg-", List.of("shared_buffers = 128MB"));
        }
        return cluster.newDatabase();
    }

    private void one(int repeat, String store, int n, Bench.Report report) throws Exception {
        boolean pg = store.equals("postgres");
        String url = pg ? newDatabase() : null;
        String label = store + ", " + n + (n == 1 ? " server" : " servers");
        System.out.println("store comparison, repeat " + repeat + ": " + label);
        Path base = o.work().resolve("stores-" + store + "-" + n + "-" + repeat);
        Bench.deleteTree(base);
        ScanFixture fx = new ScanFixture(base.resolve("server-1"), o.clients(), url);
        String loadBefore = loadAverage();
        RawCommits.Result raw = pg ? pgRawCommits(url, Duration.ofSeconds(rawSeconds))
                : RawCommits.measure(fx.dir, Duration.ofSeconds(rawSeconds), 1_000_000);
        report.add("raw durable commits, " + store, "commits/s", raw.commitsPerSecond());

        Map<String, String> env = pg ? Map.of("ENTRYLOG_DATABASE_URL", url) : Map.of();
        List<ServerProcess> procs = new ArrayList<>();
        try {
            procs.add(ServerProcess.start(fx.dir, o.heap(), env, fx.dir.resolve("server.log")));
            for (int i = 2; i <= n; i++) {
                Path dir = base.resolve("server-" + i);
                Files.createDirectories(dir);
                TestApp.copyKeys(fx.dir, dir);
                procs.add(ServerProcess.start(dir, o.heap(), env, dir.resolve("server.log")));
            }
            fx.enroll(procs.get(0).base(), o.visitors());
            int perClient = o.maxPerClient();
            String[][] tokens = fx.passes(o.clients(), perClient);
            // CPU over the measured window only (after the warm-up's JIT), sampled when it starts and ends
            double[][] cpu = new double[2][];
            Thread sampler = new Thread(() -> {
                try {
                    Thread.sleep(o.warmup() * 1000L);
                    cpu[0] = cpuNow(procs, pg ? url : null);
                    Thread.sleep(o.seconds() * 1000L);
                    cpu[1] = cpuNow(procs, pg ? url : null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cpu-sampler");
            sampler.start();
            Load.Result r = Load.run(o.clients(), Duration.ofSeconds(o.warmup()), Duration.ofSeconds(o.seconds()),
                    perClient, 201, (c, i) -> {
                        String target = procs.get(c % procs.size()).base() + "/api/scans";
                        return ScanFixture.HTTP.send(ScanFixture.request(target,
                                "{\"token\":\"" + tokens[c][i] + "\"}", fx.devices.get(c)),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                    });
            sampler.join();
            double jvm = (cpu[1][0] - cpu[0][0]) * 1e6 / r.ok();
            double db = (cpu[1][1] - cpu[0][1]) * 1e6 / r.ok();
            double self = (cpu[1][2] - cpu[0][2]) * 1e6 / r.ok();
            double walSyncs = (cpu[1][3] - cpu[0][3]) / r.ok();
            report.add("scan ingest, " + label + ", " + o.clients() + " clients", "scans/s", r.rate());
            report.add("scan ingest p50, " + label, "ms", r.millis(0.50));
            report.add("scan ingest p99, " + label, "ms", r.millis(0.99));
            report.add("scan ingest / raw durable commits, " + label, "×", r.rate() / raw.commitsPerSecond());
            report.add("server JVMs' CPU per accepted scan, " + label, "µs", jvm);
            if (pg) {
                report.add("PostgreSQL processes' CPU per accepted scan, " + label, "µs", db);
                report.add("WAL fsyncs per accepted scan (pg_stat_wal.wal_sync), " + label, "", walSyncs);
            }
            report.add("load generator's CPU per accepted scan, " + label, "µs", self);
            report.note(label + " repeat " + repeat + ": statuses " + r.statuses() + (r.exhausted()
                    ? " (a client used all its passes: raise maxPerClient)" : "") + "; load average " + loadBefore
                    + " → " + loadAverage() + "; raw commits " + Stats.fmt(raw.commitsPerSecond()) + "/s (p99 "
                    + Stats.fmt(raw.p99Millis()) + " ms)");
        } finally {
            for (ServerProcess p : procs) {
                p.close();
            }
        }
        if (pg) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM scan_log")) {
                rs.next();
                report.note(label + " repeat " + repeat + ": " + rs.getLong(1) + " rows in scan_log after the load");
            }
        }
        Bench.deleteTree(base);
    }

    /** Single-row INSERT + COMMIT over JDBC, {@code synchronous_commit} on: one WAL flush each. */
    static RawCommits.Result pgRawCommits(String url, Duration time) throws Exception {
        RawCommits.Result r;
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = on");
                s.execute("CREATE TABLE raw_commits (id bigserial PRIMARY KEY, v bytea NOT NULL)");
            }
            byte[] row = new byte[100];
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO raw_commits(v) VALUES (?)")) {
                r = RawCommits.loop(time, 1_000_000, () -> {
                    ps.setBytes(1, row);
                    ps.executeUpdate(); // autocommit: one transaction, one WAL flush
                });
            }
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE raw_commits");
            }
        }
        return r;
    }

    /**
     * CPU seconds now of the server JVMs, of the cluster's processes and of this load generator, and
     * the cluster's WAL fsyncs so far (both 0 on SQLite, when {@code url} is null).
     */
    private double[] cpuNow(List<ServerProcess> procs, String url) {
        double walSyncs = 0;
        if (url != null) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
                rs.next();
                walSyncs = rs.getLong(1);
            } catch (java.sql.SQLException e) {
                walSyncs = Double.NaN;
            }
        }
        return new double[] {serverCpu(procs), url != null ? clusterCpu() : 0,
            ServerProcess.cpuSeconds(ProcessHandle.current().pid()), walSyncs};
    }

    private static double serverCpu(List<ServerProcess> procs) {
        double sum = 0;
        for (ServerProcess p : procs) {
            sum += p.cpuSeconds();
        }
        return sum;
    }

    /** CPU seconds of the cluster's postmaster and every process under it now (exited backends are lost). */
    private double clusterCpu() {
        ProcessHandle pm = ProcessHandle.of(cluster.postmasterPid()).orElseThrow();
        double sum = ServerProcess.cpuSeconds(pm.pid());
        for (ProcessHandle h : pm.descendants().toList()) {
            double v = ServerProcess.cpuSeconds(h.pid());
            if (!Double.isNaN(v)) {
                sum += v;
            }
        }
        return sum;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
