package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner's decoder (assets/decoder.js and its worker) in Chromium, on a page of the real
 * server under its real CSP: it reads fixed hard camera frames of passes (seeded, made in the
 * page by decoder/hard-frames.js) at least as often as measured in BENCHMARKS.md ("QR
 * decoders"), with ZXing's WebAssembly in the worker, and nothing is fetched from elsewhere.
 */
@Tag("browser")
class DecoderTest {
    /** Frames per condition; the conditions the whole-frame readers miss most (BENCHMARKS.md). */
    private static final List<String> CONDITIONS = List.of("blur", "tilt", "lowContrast", "far", "dimScreen");
    private static final int PER_CONDITION = 4;
    private static final long SEED = 13_04L;
    /**
     * The worker reads these 20 fixed frames 20/20 here. In the bench (200 frames a condition)
     * ZXing, crop then frame, read 92-100 % of these conditions; jsQR as scan.js runs it today
     * (whole frame at 800 px) far fewer. Two misses are allowed for another Chromium, not more.
     */
    private static final int MIN_READ = 18;

    @TempDir
    Path tmp;

    @Test
    void readsFixedHardFramesInAWorkerUnderTheRealCsp() throws Exception {
        Path netLog = tmp.resolve("net-log.json");
        long start = System.nanoTime();
        String base;
        try (TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null, netLog)) {
            base = app.base;
            long t0 = System.nanoTime();
            // fixed frames: seeded pass-format tokens through the server's renderer (a real
            // pass is random; the fallback test below uses one)
            List<String> tokens = List.of(HardFrames.tokens(SEED, PER_CONDITION));
            List<List<Object>> frames = new ArrayList<>();
            for (String condition : CONDITIONS) {
                for (int i = 0; i < PER_CONDITION; i++) {
                    String modules = HardFrames.modules(tokens.get(i));
                    frames.add(List.of(modules, HardFrames.size(modules), condition, (int) SEED + frames.size()));
                }
            }
            long t1 = System.nanoTime();
            b.open(app.base + "/");
            b.js(HardFrames.script("hard-frames.js"));
            long t2 = System.nanoTime();
            assertEquals("zxing", call(b, START, false).get("kind"), "ZXing's WebAssembly runs in the worker: " + b.consoleLog());
            StringBuilder timings = new StringBuilder();
            List<String> texts = decodeAll(b, frames, timings);
            System.out.printf("DecoderTest: server and browser %d ms, frames listed %d ms, page %d ms, decoding %d ms%n",
                    (t0 - start) / 1_000_000, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
            int read = 0;
            StringBuilder missed = new StringBuilder();
            for (int i = 0; i < texts.size(); i++) {
                String want = tokens.get(i % PER_CONDITION);
                if (want.equals(texts.get(i))) {
                    read++;
                } else {
                    assertNull(texts.get(i), "a misread is never a different text");
                    missed.append(' ').append(frames.get(i).get(2)).append('#').append(i % PER_CONDITION);
                }
            }
            System.out.println("DecoderTest: read " + read + "/" + texts.size() + "; ms making + decoding each frame:" + timings);
            assertTrue(read >= MIN_READ, "read " + read + "/" + texts.size() + ", missed:" + missed);

            assertEquals(List.of(), b.cspViolations());
        }
        System.out.printf("DecoderTest: closed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        // read once the browser has closed its net log: it holds the worker's requests too
        var urls = Browser.requestedUrls(netLog, base);
        assertTrue(urls.contains(base + "/assets/vendor/zxing/zxing_reader.wasm"), "the worker's requests are logged: " + urls);
        assertEquals(List.of(), urls.stream().filter(u -> !u.startsWith(base + "/")).toList(),
                "nothing is fetched from another origin");
    }

    @Test
    void withoutAWorkerJsqrOnThePageReadsAPlainFrame() throws Exception {
        try (TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            String token = app.pass(app.register("Kim Minji", "010-1234-5678"));
            String modules = HardFrames.modules(token);
            b.open(app.base + "/");
            b.js(HardFrames.script("hard-frames.js"));
            assertEquals("jsqr", call(b, START, true).get("kind"));
            List<String> texts = decodeAll(b, List.of(List.of(modules, HardFrames.size(modules), "clean", 7)), new StringBuilder());
            assertEquals(List.of(token), texts);
        }
    }

    /** Imports the decoder as scan.js will (optionally without Worker); keeps it on the page. */
    private static final String START = """
            const [noWorker] = arguments;
            const done = arguments[arguments.length - 1];
            (async () => {
              if (noWorker) window.Worker = undefined;
              const { createDecoder } = await import('/assets/decoder.js');
              window.__decoder = await createDecoder();
              return { kind: window.__decoder.kind };
            })().then(done, (e) => done({ error: String(e && e.stack || e) }));
            """;

    /** Makes one frame and decodes it (one call per frame: a loaded machine is slow). */
    private static final String DECODE = """
            const [modules, size, condition, seed] = arguments;
            const done = arguments[arguments.length - 1];
            (async () => {
              const t = performance.now();
              const frame = hardFrames.make(modules, size, condition, seed);
              const t0 = performance.now();
              const text = await window.__decoder.decode(frame);
              return { text, made: Math.round(t0 - t), ms: Math.round(performance.now() - t0) };
            })().then(done, (e) => done({ error: String(e && e.stack || e) }));
            """;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> call(Browser b, String script, Object... args) {
        Map<String, Object> out = (Map<String, Object>) b.jsAsync(script, args);
        assertNull(out.get("error"), String.valueOf(out.get("error")));
        return out;
    }

    /** Decodes each frame [modules, size, condition, seed]: the texts, and a line of timings. */
    private static List<String> decodeAll(Browser b, List<List<Object>> frames, StringBuilder timings) {
        List<String> texts = new ArrayList<>();
        for (List<Object> f : frames) {
            Map<String, Object> out = call(b, DECODE, f.toArray());
            texts.add((String) out.get("text"));
            timings.append(' ').append(out.get("made")).append('+').append(out.get("ms"));
        }
        return texts;
    }
}
