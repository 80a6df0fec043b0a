package org.entrylog.bench;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.entrylog.browser.Browser;
import org.entrylog.browser.HardFrames;
import org.entrylog.pass.QrRenderer;
import org.entrylog.web.Metrics;
import org.entrylog.web.WebServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 5: what showing a pass's QR code costs the page, on a mid-range phone profile
 * (headless Chromium with CDP CPU throttling 4×, a 412×915 mobile viewport), two ways: the
 * server's PNG data URL ({@code qrPng}, made by {@link QrRenderer}) set on the image, against the
 * code drawn in the page from the token with qrcode-generator (the pinned npm package the pass
 * page loads from {@code /assets/vendor/qrcode-generator/}). Each figure runs from setting the
 * image to the second animation frame after its decode, so layout and paint are in it. Not part of
 * {@code mvn test} (tagged bench, not named *Test):
 *
 * <pre>mvn -B -o test -Dtest=QrPageBench -Dsurefire.failIfNoSpecifiedTests=false [-Dqr.passes=60]</pre>
 */
@Tag("bench")
class QrPageBench {
    @TempDir
    Path tmp;

    @Test
    void serverPngAgainstPageDrawing() throws Exception {
        int n = Integer.getInteger("qr.passes", 60);
        Path nodeModules = Path.of("scanner-ui", "node_modules").toAbsolutePath();
        Javalin server = WebServer.create(List.of(new WebServer.Route("GET", "/bench", WebServer.Role.ANYONE,
                        ctx -> ctx.contentType("text/html; charset=utf-8").result(
                                "<!doctype html><html lang=en><title>qr bench</title><body><img id=qr alt=''></body></html>"))),
                Map.of(WebServer.Role.ANYONE, org.entrylog.web.Authenticator.ANYONE), 0, null, new Metrics(),
                cfg -> cfg.staticFiles.add(sf -> {
                    sf.hostedPath = "/bench-vendor";
                    sf.directory = nodeModules.toString();
                    sf.location = Location.EXTERNAL;
                }));
        server.start(0);
        String[] tokens = HardFrames.tokens(20261202L, n);
        QrRenderer renderer = new QrRenderer();
        List<String> pngs = Arrays.stream(tokens).map(renderer::dataUrl).toList();
        StringBuilder out = new StringBuilder();
        try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            b.driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(5));
            b.driver.get("http://localhost:" + server.port() + "/bench");
            b.viewport(412, 915, true);
            b.driver.executeCdpCommand("Emulation.setCPUThrottlingRate", Map.of("rate", 4));
            String err = (String) b.jsAsync("const cb = arguments[arguments.length - 1];"
                    + "import('/bench-vendor/qrcode-generator/dist/qrcode.mjs').then(m => { window.qrcode = m.qrcode;"
                    + " cb(''); }, e => cb('ERROR ' + e));");
            if (!err.isEmpty()) {
                throw new AssertionError(err + " " + b.consoleLog());
            }
            String script = "const cb = arguments[arguments.length - 1]; const [srcs, tokens, draw] = arguments;"
                    + "const img = document.getElementById('qr'); const ms = [];"
                    + "const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));"
                    + "(async () => { for (let i = 0; i < tokens.length; i++) {"
                    + "  img.removeAttribute('src'); await frame();"
                    + "  const t0 = performance.now(); let src = srcs[i];"
                    + "  if (draw) { const q = qrcode(0, 'M'); q.addData(tokens[i], 'Byte'); q.make(); src = q.createDataURL(1, 4); }"
                    + "  img.src = src; await img.decode(); img.style.width = (img.naturalWidth * 4) + 'px';"
                    + "  img.getBoundingClientRect(); await frame(); ms.push(performance.now() - t0); }"
                    + "  cb(ms); })().catch(e => cb(['ERROR ' + e]));";
            List<Double> server4 = new ArrayList<>();
            List<Double> page4 = new ArrayList<>();
            for (int round = 0; round < 2; round++) { // alternate, so both see the same machine
                server4.addAll(times(b.jsAsync(script, pngs, List.of(tokens), false)));
                page4.addAll(times(b.jsAsync(script, pngs, List.of(tokens), true)));
            }
            String modules = (String) b.js("const q = qrcode(0, 'M'); q.addData(arguments[0], 'Byte'); q.make();"
                    + " return q.getModuleCount() + ' modules, data URL ' + q.createDataURL(1, 4).length + ' chars';",
                    tokens[0]);
            out.append("| way (CPU throttled 4×, ").append(2 * n).append(" passes) | median ms | p95 ms | max ms |\n")
                    .append("|---|---:|---:|---:|\n")
                    .append(row("server PNG (`qrPng`) set on the image", server4))
                    .append(row("drawn in the page from the token (qrcode-generator)", page4))
                    .append("\nPage drawing: ").append(modules).append("; server PNG data URL ")
                    .append(pngs.get(0).length()).append(" chars.\n");
        } finally {
            server.stop();
        }
        System.out.println(out);
        Files.writeString(Path.of("target", "qr-page-bench-" + System.currentTimeMillis() + ".md"), out);
    }

    private static List<Double> times(Object o) {
        List<Double> out = new ArrayList<>();
        for (Object v : (List<?>) o) {
            if (v instanceof String s) {
                throw new AssertionError(s);
            }
            out.add(((Number) v).doubleValue());
        }
        return out;
    }

    private static String row(String what, List<Double> ms) {
        double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return "| " + what + " | " + fmt(v[v.length / 2]) + " | " + fmt(v[(int) Math.ceil(v.length * 0.95) - 1]) + " | "
                + fmt(v[v.length - 1]) + " |\n";
    }

    private static String fmt(double d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d);
    }
}
