package org.entrylog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server's CPU goes for one single {@code POST /api/scans} (issue 18): {@code workloads=scanprofile}.
 *
 * <p>For each variant (a build of the server's classes; {@code variants=before=/old/target/classes,after=}
 * runs an older build and this one alternately, so both see the same machine), a fresh server takes
 * single scans from {@code clients} closed-loop clients (Java, or {@code client=wrk} for Debian's wrk
 * with {@code src/test/resources/bench/scan.lua}). After {@code warmup} seconds the CPU of every server
 * thread is read from {@code /proc/PID/task}; again after {@code seconds}. Server CPU per accepted scan
 * is the difference over the scans accepted in between.
 *
 * <p>With {@code profile=jfr} (the default) the server also runs JFR (stacks 2,048 deep, so the
 * handler is reached under Jetty's frames) and {@code perf record} samples it over the measured
 * window. Each thread group's CPU (request threads, the writer, JIT compilers, GC, the rest) is then
 * split: by {@code perf}, into SQLite's native library, the kernel and the JVM's own code; the JVM
 * part by JFR's Java samples into the parts of a scan (pass verification, device authentication,
 * visitor lookup, JSON, metrics, logging, HTTP; on the writer: INSERTs, the chain hash, the once-only
 * lookup, the commit). {@code profile=off} measures the CPU only, without either sampler.
 */
final class ScanProfile {
    private final Bench.Options o;

    ScanProfile(Bench.Options o) {
        this.o = o;
    }

    /** Thread groups by their (15-character) Linux thread names. */
    static String group(String thread) {
        if (thread.startsWith("qtp") || thread.startsWith("Jetty") || thread.startsWith("JettyServerThre")) {
            return "request threads (Jetty)";
        }
        if (thread.startsWith("entrylog-writer")) {
            return "writer thread";
        }
        if (thread.startsWith("C2 Compiler") || thread.startsWith("C1 Compiler")) {
            return "JIT compilers";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.startsWith("VM Thread")) {
            return "GC and VM thread";
        }
        return "other threads";
    }

    /** Parts of a request thread's Java time, by the innermost frame that names one. */
    private static final String[][] REQUEST_PARTS = {
        {"org.entrylog.pass.PassCodec.verify", "pass verification (Ed25519 + pseudonym)"},
        {"org.entrylog.venue.VenueService.authenticate", "device authentication"},
        {"org.entrylog.venue.DevicePrincipal", "device authentication"},
        {"org.entrylog.venue.DeviceSightings", "device authentication"},
        {"org.entrylog.venue.DeviceAuth", "device authentication"},
        {"org.entrylog.visitor.VisitorService.internalId", "visitor lookup"},
        {"org.entrylog.web.Metrics", "metrics"},
        {"io.micrometer", "metrics"},
        {"org.entrylog.store.WriteQueue", "hand-off to the writer"},
    };
    /** Generic parts, used when no part above encloses the sample. */
    private static final String[][] REQUEST_GENERIC = {
        {"ch.qos.logback", "logging"},
        {"org.slf4j", "logging"},
        {"com.fasterxml.jackson", "JSON in and out"},
        {"org.entrylog.common.Json", "JSON in and out"},
    };
    private static final String REQUEST_REST = "HTTP (Jetty, Javalin: parsing, routing, headers, answer)";
    private static final String[][] WRITER_PARTS = {
        {"org.entrylog.chain.ChainHash", "chain hash"},
        {"org.entrylog.scan.ScanStore.rowHash", "chain hash"},
        {"org.entrylog.scan.ScanStore.recordTokenUse", "token_use INSERT"},
        {"org.entrylog.scan.ScanStore.tokenUse", "once-only lookup (token_use)"},
        {"org.entrylog.visitor.VisitorService", "visitor check / lookup"},
        {"org.entrylog.scan.ScanStore.append", "scan_log INSERT and chain head"},
        {"org.entrylog.venue.VenueService.markSeen", "device last-seen update"},
        {"org.entrylog.store.WriteQueue", "group commit and queue"},
    };

    void run(int repeat, Bench.Report report) throws Exception {
        List<Map.Entry<String, Path>> variants = new ArrayList<>();
        for (String v : o.args().getOrDefault("variants", "current=").split(",")) {
            String[] kv = v.split("=", 2);
            variants.add(Map.entry(kv[0], kv.length < 2 || kv[1].isBlank() ? Path.of("target/classes")
                    : Path.of(kv[1])));
        }
        if (repeat % 2 == 0) {
            java.util.Collections.reverse(variants); // alternate which build runs first
        }
        for (Map.Entry<String, Path> v : variants) {
            for (String client : o.args().getOrDefault("client", "java").split(",")) {
                once(repeat, v.getKey(), v.getValue(), client, report);
            }
        }
    }

    private void once(int repeat, String variant, Path classes, String client, Bench.Report report)
            throws Exception {
        boolean profile = !o.args().getOrDefault("profile", "jfr").equals("off");
        ScanFixture fx = new ScanFixture(o.work().resolve("profile-" + repeat + "-" + variant), o.clients());
        Path jfr = fx.dir.resolve("server.jfr");
        List<String> jvm = profile
                ? List.of("-XX:FlightRecorderOptions:stackdepth=2048",
                        "-XX:StartFlightRecording=settings=" + settings(fx.dir) + ",filename=" + jfr)
                : List.of();
        String tag = variant + ", " + client + " client";
        // issue=server (default): the passes asked of the server as phones do, so it may recognise what it
        // signed; issue=bench: signed by the bench with the server's keys, the server has never seen them
        boolean fromServer = !o.args().getOrDefault("issue", "server").equals("bench");
        try (ServerProcess server = ServerProcess.start(fx.dir, o.heap(),
                fromServer ? ScanFixture.LONG_TTL : Map.of(), fx.dir.resolve("server.log"), jvm, classes)) {
            fx.enroll(server.base(), o.visitors());
            int perClient = o.maxPerClient();
            long issue0 = System.nanoTime();
            String[][] tokens = fromServer ? fx.passesFromServer(server.base(), o.clients(), perClient)
                    : fx.passes(o.clients(), perClient);
            report.note(tag + ": " + o.clients() * perClient + " passes " + (fromServer ? "asked of the server"
                    : "signed by the bench") + " in " + (System.nanoTime() - issue0) / 1_000_000 + " ms");
            Window w = new Window(server, Duration.ofSeconds(o.warmup()), Duration.ofSeconds(o.seconds()),
                    profile ? fx.dir.resolve("perf.data") : null);
            long accepted;
            String statuses;
            double clientCpu = Double.NaN;
            if (client.equals("wrk")) {
                Wrk.Result r = Wrk.scans(server.base(), fx, tokens, o, w);
                accepted = r.accepted();
                statuses = r.summary();
                report.add("scan p99 (" + tag + ")", "ms", r.p99Millis());
                report.add("scans/s (" + tag + ")", "scans/s", r.accepted() / (double) o.seconds());
                clientCpu = r.cpuSeconds();
            } else {
                // as wrk's: the first half of each client's passes warm up, again and again if the warm-up
                // outlasts them (those answer as duplicates), and the measured window scans the second half,
                // the passes the server asked last and still remembers; a fast server no longer runs the Java
                // clients out of passes before the window opens
                int half = perClient / 2;
                long warmEnd = System.nanoTime() + Duration.ofSeconds(o.warmup()).toNanos();
                int[] measuredNext = new int[o.clients()];
                Load.Result r = Load.run(o.clients(), Duration.ofSeconds(o.warmup()), Duration.ofSeconds(o.seconds()),
                        8 * perClient, 201, (c, i) -> {
                            int k = System.nanoTime() < warmEnd ? i % half : half + measuredNext[c]++ % half;
                            return send(server.base() + "/api/scans", "{\"token\":\"" + tokens[c][k] + "\"}",
                                    fx.devices.get(c));
                        });
                accepted = r.ok();
                statuses = r.statuses().toString();
                report.add("scans/s (" + tag + ")", "scans/s", r.rate());
                report.add("scan p99 (" + tag + ")", "ms", r.millis(0.99));
            }
            w.await();
            // by now the server remembers every pass it signed that has not expired (at most 131,072: ≈ 31 MB)
            report.add("server RSS after the window (" + tag + ", -Xmx" + o.heap() + ")", "MiB", server.rssMiB());
            // the disk's raw durable commit rate right after the window, on the same disk, server idle:
            // single-scan ingest is judged against it in the same run (target ≥ 1.0×)
            RawCommits.Result raw = RawCommits.measure(fx.dir, Duration.ofSeconds(5), 1_000_000);
            double rate = accepted / (double) o.seconds();
            report.add("raw durable commits/s (" + tag + ")", "commits/s", raw.commitsPerSecond());
            report.add("single-scan ingest ÷ raw durable commits (" + tag + ")", "×", rate / raw.commitsPerSecond());
            Map<String, Double> byGroup = w.cpuByGroup();
            double total = byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
            report.add("server CPU per accepted scan (" + tag + ")", "µs", total * 1e6 / accepted);
            report.add("load generator CPU per accepted scan (" + tag + ")", "µs",
                    (Double.isNaN(clientCpu) ? w.clientCpu() : clientCpu) * 1e6 / accepted);
            w.reportKernel(report, tag, accepted);
            report.add("scans whose pass was checked by its signature (" + tag + ")", "%",
                    100 * w.signatureChecks() / accepted);
            report.note("profile " + tag + " repeat " + repeat + ": " + accepted + " accepted in "
                    + o.seconds() + " s after " + o.warmup() + " s warm-up, statuses " + statuses + "; load "
                    + w.loadBefore + " → " + w.loadAfter);
            if (variant.equals(o.args().get("passesFor"))) {
                for (String mode : o.args().getOrDefault("passes", "png,nopng").split(",")) {
                    passes(server, fx, variant, client, mode, report);
                }
            }
            if (!profile) {
                byGroup.forEach((g, s) -> report.add("  " + g + " (" + tag + ")", "µs/scan", s * 1e6 / accepted));
                return;
            }
            server.close(); // JFR writes its recording as the server stops
            Map<String, Double> parts = split(byGroup, w, jfr);
            parts.forEach((part, secs) -> report.add("  " + part + " (" + tag + ")", "µs/scan",
                    secs * 1e6 / accepted));
        } finally {
            Bench.deleteTree(fx.dir);
        }
    }

    /**
     * Pass issuance ({@code POST /api/visitors/{id}/passes}) from the same clients, with the server's
     * QR PNG ({@code png}) or without it ({@code nopng}: {@code ?qrPng=false}, the page draws the code):
     * server CPU per pass over {@code passSeconds} after {@code passWarmup} seconds.
     */
    private void passes(ServerProcess server, ScanFixture fx, String variant, String client, String mode,
                        Bench.Report report) throws Exception {
        int warmup = Integer.parseInt(o.args().getOrDefault("passWarmup", "30"));
        int seconds = Integer.parseInt(o.args().getOrDefault("passSeconds", "15"));
        String query = mode.equals("nopng") ? "?qrPng=false" : "";
        int visitors = fx.visitorIds.length;
        String tag = variant + ", " + client + " client, " + (mode.equals("nopng") ? "without qrPng" : "with qrPng");
        Window w = new Window(server, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), null);
        long ok;
        if (client.equals("wrk")) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 4 * visitors; i++) {
                int v = i % visitors;
                lines.add("/api/visitors/" + fx.visitorIds[v] + "/passes" + query + "\t" + fx.visitorSecrets[v] + "\t");
            }
            Wrk.run(server.base(), fx.dir.resolve("wrk-passes.txt"), lines, 201, o.clients(), warmup);
            ok = Wrk.run(server.base(), fx.dir.resolve("wrk-passes.txt"), lines, 201, o.clients(), seconds).accepted();
        } else {
            ok = Load.run(o.clients(), Duration.ofSeconds(warmup), Duration.ofSeconds(seconds), 1_000_000, 201,
                    (c, i) -> {
                        int v = (c + o.clients() * i) % visitors;
                        return send(server.base() + "/api/visitors/" + fx.visitorIds[v] + "/passes" + query, "",
                                fx.visitorSecrets[v]);
                    }).ok();
        }
        w.await();
        double cpu = w.cpuByGroup().values().stream().mapToDouble(Double::doubleValue).sum();
        report.add("server CPU per pass (" + tag + ")", "µs", cpu * 1e6 / ok);
        report.add("passes/s (" + tag + ")", "passes/s", ok / (double) seconds);
        report.note("passes " + tag + ": " + ok + " issued in " + seconds + " s; load " + w.loadBefore + " → "
                + w.loadAfter);
    }

    /**
     * JFR's "profile" settings, with Java samples every {@code jfrPeriod} (default 2 ms, not 10 ms: a
     * 20 s window then holds thousands of samples of the server, not hundreds).
     */
    private String settings(Path dir) throws IOException {
        Path jfc = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc");
        String text = Files.readString(jfc);
        String period = o.args().getOrDefault("jfrPeriod", "2 ms");
        int at = text.indexOf("<event name=\"jdk.ExecutionSample\">");
        int p = text.indexOf("10 ms", at);
        if (at < 0 || p < 0) {
            return "profile";
        }
        Path out = dir.resolve("profile-sampling.jfc");
        Files.writeString(out, text.substring(0, p) + period + text.substring(p + 5));
        return out.toString();
    }

    static int send(String url, String body, String bearer) throws Exception {
        return ScanFixture.HTTP.send(ScanFixture.request(url, body, bearer),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** CPU seconds by part: each thread group's CPU split by perf (native, kernel) and JFR (Java). */
    private static Map<String, Double> split(Map<String, Double> byGroup, Window w, Path jfr) throws IOException {
        Map<String, Map<String, Double>> dso = w.perfShares(); // group → {sqlite, kernel, jvm} shares
        Map<String, Map<String, Long>> java = javaSamples(jfr, w.from, w.until);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : List.of("request threads (Jetty)", "writer thread")) {
            double cpu = byGroup.getOrDefault(g, 0.0);
            Map<String, Double> d = dso.getOrDefault(g, Map.of());
            double sqlite = d.getOrDefault("sqlite", 0.0);
            double kernel = d.getOrDefault("kernel", 0.0);
            double jvmShare = Math.max(0, 1 - sqlite - kernel);
            out.put(g + ": SQLite native code", cpu * sqlite);
            out.put(g + ": kernel (sockets, fsync, futex)", cpu * kernel);
            Map<String, Long> samples = java.getOrDefault(g, Map.of());
            long n = samples.values().stream().mapToLong(Long::longValue).sum();
            samples.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .forEach(e -> out.put(g + ": " + e.getKey(), cpu * jvmShare * e.getValue() / n));
            if (n == 0) {
                out.put(g + ": Java (no JFR samples)", cpu * jvmShare);
            }
        }
        for (String g : List.of("JIT compilers", "GC and VM thread", "other threads")) {
            out.put(g, byGroup.getOrDefault(g, 0.0));
        }
        return out;
    }

    /** JFR execution samples in [from, until) by thread group and part. */
    private static Map<String, Map<String, Long>> javaSamples(Path jfr, Instant from, Instant until)
            throws IOException {
        Map<String, Map<String, Long>> out = new HashMap<>();
        if (!Files.exists(jfr)) {
            return out;
        }
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(from)
                    || !e.getStartTime().isBefore(until) || e.getStackTrace() == null) {
                continue;
            }
            String thread = e.getThread("sampledThread").getJavaName();
            String g = group(thread == null ? "" : thread.length() > 15 ? thread.substring(0, 15) : thread);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String part = g.startsWith("request") ? part(frames, REQUEST_PARTS, REQUEST_GENERIC, REQUEST_REST)
                    : g.startsWith("writer") ? part(frames, WRITER_PARTS, new String[0][], "writer, other")
                    : null;
            if (part != null) {
                out.computeIfAbsent(g, k -> new HashMap<>()).merge(part, 1L, Long::sum);
            }
        }
        return out;
    }

    /** The innermost frame naming a part; else the innermost naming a generic part; else {@code rest}. */
    static String part(List<RecordedFrame> frames, String[][] parts, String[][] generic, String rest) {
        for (String[][] table : List.of(parts, generic)) {
            for (RecordedFrame f : frames) { // innermost first
                if (f.getMethod() == null || f.getMethod().getType() == null) {
                    continue;
                }
                String name = f.getMethod().getType().getName() + "." + f.getMethod().getName();
                for (String[] p : table) {
                    if (name.startsWith(p[0])) {
                        return p[1];
                    }
                }
            }
        }
        return rest;
    }

    /**
     * The measured window: per-thread CPU of the server and this process's CPU read when the warm-up
     * ends and when the window ends, and {@code perf record} over it when a file is given.
     */
    static final class Window {
        private final ServerProcess server;
        private final Path perfData;
        private final Thread thread;
        volatile Instant from;
        volatile Instant until;
        private Map<String, Double> cpu0;
        private Map<String, Double> cpu1;
        private double self0;
        private double self1;
        private long[] kernel0;
        private long[] kernel1;
        private double checks0;
        private double checks1;
        String loadBefore = "?";
        String loadAfter = "?";

        Window(ServerProcess server, Duration warmup, Duration measure, Path perfData) {
            this.server = server;
            this.perfData = perfData;
            long start = System.nanoTime();
            thread = new Thread(() -> {
                try {
                    TimeUnit.NANOSECONDS.sleep(start + warmup.toNanos() - System.nanoTime());
                    Process perf = perfData == null ? null : new ProcessBuilder("perf", "record", "-q", "-F", "499",
                            "-p", String.valueOf(server.process.pid()), "-o", perfData.toString(), "--", "sleep",
                            String.valueOf(measure.toSeconds())).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    loadBefore = load();
                    from = Instant.now();
                    cpu0 = server.threadCpu();
                    self0 = ServerProcess.cpuSeconds(ProcessHandle.current().pid());
                    kernel0 = server.kernelCounts();
                    checks0 = signatureChecks(server);
                    TimeUnit.NANOSECONDS.sleep(start + warmup.toNanos() + measure.toNanos() - System.nanoTime());
                    cpu1 = server.threadCpu();
                    self1 = ServerProcess.cpuSeconds(ProcessHandle.current().pid());
                    kernel1 = server.kernelCounts();
                    checks1 = signatureChecks(server);
                    until = Instant.now();
                    loadAfter = load();
                    if (perf != null) {
                        perf.waitFor(60, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException | IOException e) {
                    Thread.currentThread().interrupt();
                }
            }, "profile-window");
            thread.setDaemon(true);
            thread.start();
        }

        void await() throws InterruptedException {
            thread.join(600_000);
        }

        Map<String, Double> cpuByGroup() {
            Map<String, Double> out = new LinkedHashMap<>();
            cpu1.forEach((k, v) -> out.merge(group(k.substring(0, k.lastIndexOf('#'))),
                    v - cpu0.getOrDefault(k, 0.0), Double::sum));
            return out;
        }

        /**
         * The server's read and write system calls and context switches per request over the window
         * (see {@link ServerProcess#kernelCounts}), as report rows tagged {@code tag}.
         */
        void reportKernel(Bench.Report report, String tag, long requests) {
            String[] names = {"read system calls", "write system calls", "context switches (live threads)"};
            for (int i = 0; i < names.length; i++) {
                report.add("server " + names[i] + " per request (" + tag + ")", "",
                        (kernel1[i] - kernel0[i]) / (double) requests);
            }
        }

        /**
         * Scanned passes the server checked by their Ed25519 signature over the window
         * ({@code entrylog_passes_signature_checks_total}): 0 when every pass scanned was one it remembers
         * signing ({@code pass.IssuedPasses}); NaN for a server without the counter (an older build).
         */
        double signatureChecks() {
            return checks1 - checks0;
        }

        private static double signatureChecks(ServerProcess server) {
            try {
                for (String l : server.scrape().split("\n")) {
                    if (l.startsWith("entrylog_passes_signature_checks_total ")) {
                        return Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim());
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no answer: reported as NaN
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Double.NaN;
        }

        double clientCpu() {
            return self1 - self0;
        }

        /** Shares of each thread group's perf samples in SQLite's library, the kernel, and the rest. */
        Map<String, Map<String, Double>> perfShares() throws IOException {
            Map<String, Map<String, Double>> out = new HashMap<>();
            if (perfData == null || !Files.exists(perfData)) {
                return out;
            }
            Process p = new ProcessBuilder("perf", "report", "-i", perfData.toString(), "--stdio", "-q",
                    "--sort", "comm,dso", "--field-separator", ";").redirectErrorStream(false).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Double> totals = new HashMap<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split(";");
                for (int i = 0; i < f.length; i++) {
                    f[i] = f[i].trim();
                }
                if (f.length < 3 || !f[0].endsWith("%")) {
                    continue;
                }
                double pct = Double.parseDouble(f[0].replace("%", "").trim());
                String g = group(f[1].trim());
                String dso = f[2].trim();
                String kind = dso.contains("sqlite") ? "sqlite" : dso.contains("kernel") ? "kernel" : "jvm";
                out.computeIfAbsent(g, k -> new HashMap<>()).merge(kind, pct, Double::sum);
                totals.merge(g, pct, Double::sum);
            }
            out.forEach((g, m) -> m.replaceAll((k, v) -> v / totals.get(g)));
            return out;
        }

        private static String load() {
            try {
                return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            } catch (IOException e) {
                return "?";
            }
        }
    }
}
