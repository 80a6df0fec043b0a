package org.entrylog.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The benchmark harness of issue 6: {@code mvn -B -Pbench verify} runs it (see BENCHMARKS.md).
 *
 * <p>Arguments are {@code key=value} words, or {@code all}:
 * <ul>
 *   <li>{@code workloads=micro,http,queries} which to run (default all three); {@code scanprofile}
 *       (not in the default) profiles single scans, see {@link ScanProfile}; {@code httpfloor} (not in
 *       the default) what a request of a scan's shape costs on bare Jetty and Javalin, see {@link HttpFloor}</li>
 *   <li>{@code stores} (not in the default): single-scan ingest on SQLite and PostgreSQL side by side,
 *       {@code stores=sqlite,postgres servers=1,2 rawSeconds=10}, see {@link StoreCompare}</li>
 *   <li>{@code repeats=3} repeats of each figure; the report gives median and min–max</li>
 *   <li>{@code seconds=15 warmup=15} measured and warm-up seconds of each HTTP load</li>
 *   <li>{@code clients=32} concurrent HTTP clients; {@code visitors=512} registered for the load</li>
 *   <li>{@code sizes=1000000,10000000} scan_log sizes for the contact queries (generated once under
 *       {@code target/bench} and kept for the next run)</li>
 *   <li>{@code heap=256m} the server child JVM's -Xmx; {@code serverJvm=A;B} more options for it
 *       (e.g. {@code -XX:StartFlightRecording=filename=/tmp/server.jfr} to profile)</li>
 * </ul>
 * The report is printed and written to {@code target/bench/report-<time>.md}.
 */
public final class Bench {
    /** The harness's settings. */
    record Options(Set<String> workloads, int repeats, int seconds, int warmup, int clients, int visitors,
                   List<Long> sizes, String heap, Path work, int maxPerClient, int queries,
                   Map<String, String> args) {
        static Options parse(String[] args) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String a : args) {
                int eq = a.indexOf('=');
                if (eq > 0) {
                    m.put(a.substring(0, eq), a.substring(eq + 1));
                } else if (!a.equals("all") && !a.isBlank()) {
                    throw new IllegalArgumentException("unknown argument " + a);
                }
            }
            if (m.containsKey("serverJvm")) {
                System.setProperty("bench.serverJvm", m.get("serverJvm"));
            }
            List<Long> sizes = new ArrayList<>();
            for (String s : m.getOrDefault("sizes", "1000000,10000000").split(",")) {
                sizes.add(Long.parseLong(s.trim().replace("_", "")));
            }
            int seconds = Integer.parseInt(m.getOrDefault("seconds", "15"));
            // a fresh server JIT-compiles for tens of seconds (C2 took a third of its CPU in the first 20 s)
            int warmup = Integer.parseInt(m.getOrDefault("warmup", "15"));
            int clients = Integer.parseInt(m.getOrDefault("clients", "32"));
            // enough fresh passes for 5,000 scans/s singly and as many again in batches
            int perClient = Integer.parseInt(m.getOrDefault("maxPerClient",
                    String.valueOf(2 * 5000 * (seconds + warmup) / clients)));
            return new Options(Set.of(m.getOrDefault("workloads", "micro,http,queries").split(",")),
                    Integer.parseInt(m.getOrDefault("repeats", "3")), seconds, warmup, clients,
                    Integer.parseInt(m.getOrDefault("visitors", "512")), sizes, m.getOrDefault("heap", "256m"),
                    Path.of(m.getOrDefault("work", "target/bench")).toAbsolutePath(), perClient,
                    Integer.parseInt(m.getOrDefault("queries", "500")), m);
        }
    }

    /** Figures by name, one value per repeat, in the order first reported. */
    static final class Report {
        private final Map<String, List<Double>> values = new LinkedHashMap<>();
        private final Map<String, String> units = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();

        synchronized void add(String figure, String unit, double value) {
            values.computeIfAbsent(figure, k -> new ArrayList<>()).add(value);
            units.put(figure, unit);
            System.out.printf("  %-70s %s %s%n", figure, Stats.fmt(value), unit);
        }

        synchronized void note(String line) {
            notes.add(line);
            System.out.println("  " + line);
        }

        String markdown() {
            StringBuilder b = new StringBuilder("| figure | median | min–max | n |\n|---|---:|---:|---:|\n");
            values.forEach((k, v) -> {
                Stats.Spread s = Stats.Spread.of(v);
                String u = units.get(k);
                b.append("| ").append(k).append(" | ").append(Stats.fmt(s.median())).append(' ').append(u)
                        .append(" | ").append(Stats.fmt(s.min())).append("–").append(Stats.fmt(s.max()))
                        .append(" | ").append(s.n()).append(" |\n");
            });
            b.append("\nNotes:\n");
            notes.forEach(n -> b.append("- ").append(n).append('\n'));
            return b.toString();
        }
    }

    private Bench() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Files.createDirectories(o.work());
        Report report = new Report();
        String started = Instant.now().toString();
        System.out.println("entrylog bench " + started + " " + o);
        if (o.workloads().contains("micro")) {
            micro(o, report);
        }
        if (o.workloads().contains("http")) {
            HttpWorkloads http = new HttpWorkloads(o);
            for (int r = 1; r <= o.repeats(); r++) {
                System.out.println("http workloads, repeat " + r);
                http.run(r, report);
            }
        }
        if (o.workloads().contains("httpfloor")) {
            HttpFloor floor = new HttpFloor(o);
            for (int r = 1; r <= o.repeats(); r++) {
                System.out.println("http floor, repeat " + r);
                floor.run(r, report);
            }
        }
        if (o.workloads().contains("scanprofile")) {
            ScanProfile profile = new ScanProfile(o);
            for (int r = 1; r <= o.repeats(); r++) {
                System.out.println("scan profile, repeat " + r);
                profile.run(r, report);
            }
        }
        try (StoreCompare stores = new StoreCompare(o)) {
            if (o.workloads().contains("stores")) {
                for (int r = 1; r <= o.repeats(); r++) {
                    stores.run(r, report);
                }
            }
            if (o.workloads().contains("queries")) {
                for (long size : o.sizes()) {
                    // stores= also applies here (default sqlite): each size on each store in turn
                    for (String store : o.args().getOrDefault("stores", "sqlite").split(",")) {
                        new QueryWorkload(o, size, store.trim().equals("postgres") ? stores.newDatabase() : null)
                                .run(report);
                    }
                }
            }
        }
        String md = "# entrylog bench, " + started + "\n\n" + Machine.describe(o.work()) + "\nArguments: "
                + String.join(" ", args) + "\n\n" + report.markdown();
        Path out = o.work().resolve("report-" + started.replace(':', '-') + ".md");
        Files.writeString(out, md);
        System.out.println();
        System.out.println(md);
        System.out.println("written to " + out);
    }

    /** JMH: each benchmark in {@code repeats} forks of 2 warm-up and 3 measured one-second iterations. */
    private static void micro(Options o, Report report) throws Exception {
        var opts = new OptionsBuilder()
                .include(CryptoBench.class.getName())
                .include(QrBench.class.getName())
                .forks(o.repeats())
                .warmupIterations(2).warmupTime(TimeValue.seconds(1))
                .measurementIterations(3).measurementTime(TimeValue.seconds(1))
                .threads(1)
                .jvmArgs("-Xmx512m")
                .build();
        for (RunResult r : new Runner(opts).run()) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            for (BenchmarkResult fork : r.getBenchmarkResults()) {
                report.add("JMH " + name + " (1 thread)", "ops/s", fork.getPrimaryResult().getScore());
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
