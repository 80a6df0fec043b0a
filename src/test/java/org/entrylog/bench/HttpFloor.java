package org.entrylog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code workloads=httpfloor} (issue 18): what one {@code POST /api/scans} costs the server before
 * entrylog does anything, on the same machine and in the same invocation as the real scans
 * ({@code workloads=httpfloor,scanprofile}). For each {@code floors=} mode of {@link FloorServer}
 * (default {@code jetty,javalin,queue,future}) and each {@code client=} (java, wrk), a fresh child
 * JVM with the server's heap takes requests of a scan's shape (a bearer secret and a token of a real
 * pass's length, a fresh token each time) from the same closed-loop clients as the scan profile; its
 * CPU per answered request is read from {@code /proc} over the measured window ({@code floorSeconds},
 * default {@code seconds}), after the warm-up ({@code floorWarmup}, default 20 s: nothing here waits
 * for the JIT as long as the whole server does).
 */
final class HttpFloor {
    /** A device secret and a pass token as entrylog's are, in length (base64url). */
    private static final int SECRET_CHARS = 43;
    private static final int TOKEN_CHARS = 160;

    private final Bench.Options o;

    HttpFloor(Bench.Options o) {
        this.o = o;
    }

    void run(int repeat, Bench.Report report) throws Exception {
        for (String mode : o.args().getOrDefault("floors", "jetty,javalin,queue,future").split(",")) {
            for (String client : o.args().getOrDefault("client", "java").split(",")) {
                once(repeat, mode.trim(), client.trim(), report);
            }
        }
    }

    private void once(int repeat, String mode, String client, Bench.Report report) throws Exception {
        Path dir = o.work().resolve("floor-" + repeat + "-" + mode);
        Files.createDirectories(dir);
        String tag = "floor " + mode + ", " + client + " client";
        int clients = o.clients();
        int warmup = Integer.parseInt(o.args().getOrDefault("floorWarmup", "20"));
        int seconds = Integer.parseInt(o.args().getOrDefault("floorSeconds", String.valueOf(o.seconds())));
        int perClient = o.maxPerClient();
        SecureRandom random = new SecureRandom();
        String[] secrets = new String[clients];
        for (int c = 0; c < clients; c++) {
            secrets[c] = text(random, SECRET_CHARS);
        }
        try (ServerProcess server = ServerProcess.start(FloorServer.class.getName(), List.of(mode, dir.toString()),
                o.heap(), Map.of(), dir.resolve("server.log"), List.of(), null)) {
            ScanProfile.Window w = new ScanProfile.Window(server, Duration.ofSeconds(warmup),
                    Duration.ofSeconds(seconds), null);
            long answered;
            double clientCpu = Double.NaN;
            if (client.equals("wrk")) {
                List<String> warm = new ArrayList<>();
                List<String> measured = new ArrayList<>();
                for (int i = 0; i < perClient; i++) {
                    for (int c = 0; c < clients; c++) {
                        (i < perClient / 2 ? warm : measured).add("/api/scans\t" + secrets[c] + "\t{\"token\":\""
                                + text(random, TOKEN_CHARS) + "\"}");
                    }
                }
                Wrk.run(server.base(), dir.resolve("wrk-warm.txt"), warm, 201, clients, warmup);
                Wrk.Result r = Wrk.run(server.base(), dir.resolve("wrk-measured.txt"), measured, 201, clients,
                        seconds);
                answered = r.accepted();
                clientCpu = r.cpuSeconds();
                report.add("requests/s (" + tag + ")", "requests/s", answered / (double) seconds);
                report.add("p99 (" + tag + ")", "ms", r.p99Millis());
            } else {
                Load.Result r = Load.run(clients, Duration.ofSeconds(warmup), Duration.ofSeconds(seconds),
                        perClient, 201, (c, i) -> ScanProfile.send(server.base() + "/api/scans",
                                "{\"token\":\"" + text(random, TOKEN_CHARS) + "\"}", secrets[c]));
                answered = r.ok();
                report.add("requests/s (" + tag + ")", "requests/s", r.rate());
                report.add("p99 (" + tag + ")", "ms", r.millis(0.99));
            }
            w.await();
            Map<String, Double> byGroup = w.cpuByGroup();
            double total = byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
            report.add("server CPU per request (" + tag + ")", "µs", total * 1e6 / answered);
            byGroup.forEach((g, s) -> report.add("  " + g + " (" + tag + ")", "µs/request", s * 1e6 / answered));
            report.add("load generator CPU per request (" + tag + ")", "µs",
                    (Double.isNaN(clientCpu) ? w.clientCpu() : clientCpu) * 1e6 / answered);
            w.reportKernel(report, tag, answered);
            report.note(tag + " repeat " + repeat + ": " + answered + " answered 201 in " + seconds + " s after "
                    + warmup + " s warm-up; load " + w.loadBefore + " → " + w.loadAfter);
        } finally {
            Bench.deleteTree(dir);
        }
    }

    private static String text(SecureRandom random, int chars) {
        byte[] b = new byte[chars * 3 / 4 + 1];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).substring(0, chars);
    }
}
