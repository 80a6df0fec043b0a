package org.entrylog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives a load with Debian's {@code wrk} (2 threads, one connection per client) and the bench's
 * {@code src/test/resources/bench/requests.lua}, so the CPU a scan costs the server can be compared
 * with the Java client's: one wrk run for the warm-up, then one for the measured window, each with
 * its own requests (fresh passes) written to a file beforehand.
 */
final class Wrk {
    /** {@code cpuSeconds}: user + system time of the wrk process itself. */
    record Result(long accepted, long other, double p99Millis, long errors, double cpuSeconds) {
        String summary() {
            return "accepted " + accepted + ", other " + other + ", socket errors " + errors;
        }
    }

    private Wrk() {}

    static final String SCRIPT = "src/test/resources/bench/requests.lua";

    /** Single scans: the first half of each client's passes warm up, the second half are measured. */
    static Result scans(String base, ScanFixture fx, String[][] tokens, Bench.Options o, ScanProfile.Window w)
            throws Exception {
        List<String> warm = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        int half = tokens[0].length / 2;
        for (int i = 0; i < tokens[0].length; i++) { // interleave clients, so each wrk thread uses many devices
            for (int c = 0; c < tokens.length; c++) {
                (i < half ? warm : measured).add("/api/scans\t" + fx.devices.get(c) + "\t{\"token\":\"" + tokens[c][i]
                        + "\"}");
            }
        }
        run(base, fx.dir.resolve("wrk-warm.txt"), warm, 201, o.clients(), o.warmup());
        return run(base, fx.dir.resolve("wrk-measured.txt"), measured, 201, o.clients(), o.seconds());
    }

    /** Any list of POSTs ("path\tbearer\tbody" lines) for {@code seconds} from {@code connections} connections. */
    static Result run(String base, Path file, List<String> lines, int okStatus, int connections, int seconds)
            throws IOException, InterruptedException {
        if (!Files.exists(Path.of(SCRIPT))) {
            throw new IOException(Path.of(SCRIPT).toAbsolutePath() + " is missing: run the bench from the repository's top");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        int threads = 2;
        // bash's `times` prints the CPU its children used: wrk's own cost per request, as the Java client's
        String cmd = "wrk -t" + threads + " -c" + connections + " -d" + seconds + "s --timeout 30s --latency -s '"
                + Path.of(SCRIPT).toAbsolutePath() + "' '" + base + "'; rc=$?; times; exit $rc";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true);
        pb.environment().put("REQUESTS_FILE", file.toString());
        pb.environment().put("REQUESTS_THREADS", String.valueOf(threads));
        pb.environment().put("OK_STATUS", String.valueOf(okStatus));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("wrk failed:\n" + out);
        }
        long accepted = 0;
        long other = 0;
        long errors = 0;
        double p99 = Double.NaN;
        String[] lines2 = out.strip().split("\n");
        double cpu = Double.NaN;
        if (lines2.length > 0 && lines2[lines2.length - 1].matches("\\d+m[0-9.]+s \\d+m[0-9.]+s")) {
            cpu = 0;
            for (String t : lines2[lines2.length - 1].split(" ")) { // "0m1.234s 0m0.567s": children's user, system
                cpu += Integer.parseInt(t.substring(0, t.indexOf('m'))) * 60
                        + Double.parseDouble(t.substring(t.indexOf('m') + 1, t.length() - 1));
            }
        }
        for (String l : out.split("\n")) {
            String[] f = l.trim().split(" ");
            switch (f[0]) {
                case "ACCEPTED" -> accepted = Long.parseLong(f[1]);
                case "OTHER" -> other = Long.parseLong(f[1]);
                case "ERRORS" -> errors = Long.parseLong(f[1]);
                case "P99US" -> p99 = Long.parseLong(f[1]) / 1000.0;
                default -> { }
            }
        }
        Files.deleteIfExists(file);
        if (accepted + other == 0) {
            System.out.println("wrk got no answer at all; its output:\n" + out);
        }
        return new Result(accepted, other, p99, errors, cpu);
    }
}
