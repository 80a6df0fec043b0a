package org.entrylog.bench;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.entrylog.browser.Browser;
import org.entrylog.browser.HardFrames;
import org.entrylog.web.Metrics;
import org.entrylog.web.WebServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 4: jsQR 1.4.0 against ZXing-C++ (zxing-wasm) and ZBar (@undecaf/zbar-wasm) in
 * headless Chromium, on seeded hard camera frames of passes (decoder/hard-frames.js), each
 * decoder on the whole frame shrunk to 800 px and on a full-resolution centre crop. Not part
 * of {@code mvn test} (the class name does not end in Test, and it is tagged bench):
 *
 * <pre>mvn -B -o test -Dtest=DecoderBench -Dsurefire.failIfNoSpecifiedTests=false [-Ddecoder.frames=200] [-Ddecoder.only=zxing,zbar]</pre>
 *
 * jsQR takes seconds on a noisy frame, so a run with many frames may leave it out ({@code decoder.only}).
 *
 * Writes the table to target/decoder-bench-*.md (and stdout) for BENCHMARKS.md.
 */
@Tag("bench")
class DecoderBench {
    static final String[] DECODERS = {"jsqr", "zxing", "zbar"};
    static final long SEED = 20261201L;

    @TempDir
    Path tmp;

    /** One frame's results: ok and ms for each decoder x {full 800 px, centre crop}. */
    record Frame(double[] v) {
        boolean ok(int dec, boolean crop) { return v[(dec * 2 + (crop ? 1 : 0)) * 2] > 0; }
        double ms(int dec, boolean crop) { return v[(dec * 2 + (crop ? 1 : 0)) * 2 + 1]; }
    }

    /** A way to read a frame: decoders tried in order, each on the crop first (or not). */
    record Strategy(String name, int[] decoders, boolean cropFirst) {
        boolean ok(Frame f) {
            for (int d : decoders) {
                if ((cropFirst && f.ok(d, true)) || f.ok(d, false)) return true;
            }
            return false;
        }

        double ms(Frame f) {
            double t = 0;
            for (int d : decoders) {
                if (cropFirst) {
                    t += f.ms(d, true);
                    if (f.ok(d, true)) return t;
                }
                t += f.ms(d, false);
                if (f.ok(d, false)) return t;
            }
            return t;
        }
    }

    static final List<Strategy> STRATEGIES = List.of(
            new Strategy("jsQR, frame ≤800 px (today)", new int[] {0}, false),
            new Strategy("jsQR, crop then frame", new int[] {0}, true),
            new Strategy("ZXing, frame ≤800 px", new int[] {1}, false),
            new Strategy("ZXing, crop then frame", new int[] {1}, true),
            new Strategy("ZBar, frame ≤800 px", new int[] {2}, false),
            new Strategy("ZBar, crop then frame", new int[] {2}, true),
            new Strategy("ZXing then ZBar, crop then frame", new int[] {1, 2}, true),
            new Strategy("ZBar then ZXing, crop then frame", new int[] {2, 1}, true));

    @Test
    void decodeRatesAndTimes() throws Exception {
        int n = Integer.getInteger("decoder.frames", 200);
        List<String> only = List.of(System.getProperty("decoder.only", "jsqr,zxing,zbar").split(","));
        Path nodeModules = Path.of("scanner-ui", "node_modules").toAbsolutePath();
        Javalin server = WebServer.create(List.of(new WebServer.Route("GET", "/bench", WebServer.Role.ANYONE,
                        ctx -> ctx.contentType("text/html; charset=utf-8").result(
                                "<!doctype html><html lang=en><title>decoder bench</title><body></body></html>"))),
                java.util.Map.of(WebServer.Role.ANYONE, org.entrylog.web.Authenticator.ANYONE), 0, null, new Metrics(), cfg -> cfg.staticFiles.add(sf -> {
                    // the decoders' packages as npm installed them, for the bench only
                    sf.hostedPath = "/bench-vendor";
                    sf.directory = nodeModules.toString();
                    sf.location = Location.EXTERNAL;
                }));
        server.start(0);
        String base = "http://localhost:" + server.port();
        String[] tokens = HardFrames.tokens(SEED, Math.min(n, 100));
        List<String> modules = Arrays.stream(tokens).map(HardFrames::modules).toList();
        List<String> conditions;
        Map<String, List<Frame>> results = new LinkedHashMap<>();
        String versions;
        long started = System.nanoTime();
        try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            b.driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(10));
            b.driver.get(base + "/bench");
            b.js(HardFrames.script("hard-frames.js"));
            b.js(HardFrames.script("decoder-bench.js"));
            b.js("window.benchPasses = arguments[0]; window.benchTokens = arguments[1]; window.benchSize = arguments[2];",
                    modules, List.of(tokens), HardFrames.size(modules.get(0)));
            versions = (String) b.jsAsync("const cb = arguments[arguments.length - 1];"
                    + "decoderBench.init('/bench-vendor').then(cb, (e) => cb('ERROR ' + e));");
            if (versions.startsWith("ERROR")) throw new AssertionError(versions + " " + b.consoleLog());
            @SuppressWarnings("unchecked")
            List<String> c = (List<String>) b.js("return hardFrames.conditions;");
            conditions = c;
            for (String cond : conditions) {
                List<Frame> frames = new ArrayList<>();
                // jsQR can take tens of seconds on one noisy frame on a loaded machine: one frame per
                // call then, as WebDriver's client gives up on a call after three minutes
                int batch = only.contains("jsqr") ? 1 : 10;
                for (int i = 0; i < n; i += batch) {
                    List<List<Object>> items = new ArrayList<>();
                    for (int j = i; j < Math.min(n, i + batch); j++) {
                        items.add(List.of(j % tokens.length, cond, (int) (SEED ^ (cond.hashCode() * 7919L) ^ j)));
                    }
                    @SuppressWarnings("unchecked")
                    List<List<Number>> rows = (List<List<Number>>) b.jsAsync("const cb = arguments[arguments.length - 1];"
                            + "decoderBench.batch(arguments[0], arguments[1]).then(cb, (e) => cb(String(e)));", items, only);
                    for (List<Number> row : rows) {
                        frames.add(new Frame(row.stream().mapToDouble(Number::doubleValue).toArray()));
                    }
                }
                results.put(cond, frames);
                System.out.printf(Locale.ROOT, "%s: %d frames, %.0f s so far%n", cond, frames.size(),
                        (System.nanoTime() - started) / 1e9);
            }
            versions += "; " + b.driver.getCapabilities().getBrowserName() + " " + b.driver.getCapabilities().getBrowserVersion();
        } finally {
            server.stop();
        }
        String md = table(conditions, results, n, only, versions, (System.nanoTime() - started) / 1e9);
        System.out.println(md);
        Files.writeString(Path.of("target", "decoder-bench-" + String.join("-", only) + "-" + n + ".md"), md);
    }

    static String table(List<String> conditions, Map<String, List<Frame>> results, int n, List<String> only,
                        String versions, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d frames per condition, seed %d, %s, %.0f s%n%n", n, SEED, versions, seconds));
        sb.append("| strategy |");
        for (String c : conditions) sb.append(' ').append(c).append(" |");
        sb.append(" all | median ms | p95 ms | median ms, read | p95 ms, missed |\n|---|");
        sb.append("---:|".repeat(conditions.size() + 5)).append('\n');
        for (Strategy s : STRATEGIES) {
            if (Arrays.stream(s.decoders()).anyMatch(d -> !only.contains(DECODERS[d]))) continue;
            sb.append("| ").append(s.name()).append(" |");
            int okAll = 0;
            int all = 0;
            List<Double> times = new ArrayList<>();
            List<Double> read = new ArrayList<>();
            List<Double> missed = new ArrayList<>();
            for (String c : conditions) {
                int ok = 0;
                for (Frame f : results.get(c)) {
                    boolean hit = s.ok(f);
                    ok += hit ? 1 : 0;
                    times.add(s.ms(f));
                    (hit ? read : missed).add(s.ms(f));
                }
                okAll += ok;
                all += results.get(c).size();
                sb.append(String.format(Locale.ROOT, " %.0f %% |", 100.0 * ok / results.get(c).size()));
            }
            sb.append(String.format(Locale.ROOT, " %.1f %% | %.0f | %.0f | %.0f | %.0f |%n", 100.0 * okAll / all,
                    pct(times, 50), pct(times, 95), pct(read, 50), pct(missed, 95)));
        }
        return sb.toString();
    }

    static double pct(List<Double> xs, double p) {
        if (xs.isEmpty()) return Double.NaN;
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a[Math.min(a.length - 1, (int) Math.ceil(p / 100 * a.length) - 1)];
    }
}
