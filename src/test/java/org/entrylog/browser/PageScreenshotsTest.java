package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every page at phone (390×844) and tablet (1024×768) size, in the state people meet it in:
 * the pass registered and showing its QR, the scanner enrolled with a green answer, the console
 * signed out, the transparency figures of a server that has seen a few visits.
 *
 * <p>The pictures go to {@code target/screenshots/}; {@code -Dentrylog.screenshots=docs/screenshots}
 * writes the ones the README shows. Each is checked to be the page (not blank) before it is kept.
 */
@Tag("browser")
class PageScreenshotsTest {
    record Size(String name, int width, int height, boolean mobile) {}

    private static final List<Size> SIZES = List.of(new Size("phone", 390, 844, true), new Size("tablet", 1024, 768, false));

    @TempDir
    Path tmp;

    @Test
    void everyPageAtPhoneAndTabletSize() throws Exception {
        Path out = Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"));
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            // A server that has seen a few visits, so the public figures are figures.
            TestApp.Device door = app.venueWithDevice("Seoul Central Library");
            for (int i = 0; i < 7; i++) {
                app.scan(door, app.pass(app.register("Visitor " + i, "010-4000-10" + (10 + i))));
            }
            String code = app.app.venues.add("Cafe Haneul", null).enrollmentCode();
            String token = app.pass(app.register("Kim Minji", "010-1234-5678"));
            Path video = FakeCamera.showing(token, tmp.resolve("pass.y4m"));

            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), video)) {
                // the scanner first: the pass in front of its camera lives 30 s
                b.viewport(1024, 768, false);
                b.open(app.base + "/scan?enroll=" + code);
                b.waitUntil("a green answer", Duration.ofSeconds(20), () -> "accepted".equals(b.attr("#result", "data-state")));
                for (Size s : SIZES) {
                    b.viewport(s.width(), s.height(), s.mobile());
                    // the answer hides itself after 1.6 s; show the same answer again for the picture
                    b.js("document.getElementById('result').hidden = false;");
                    save(b, out, "scan-accepted-" + s.name());
                }
                b.js("document.getElementById('result').hidden = true;");
                for (Size s : SIZES) {
                    b.viewport(s.width(), s.height(), s.mobile());
                    save(b, out, "scan-camera-" + s.name());
                }

                for (Size s : SIZES) {
                    b.viewport(s.width(), s.height(), s.mobile());
                    b.open(app.base + "/");
                    save(b, out, "index-" + s.name());
                    b.open(app.base + "/console");
                    save(b, out, "console-signed-out-" + s.name());
                    b.open(app.base + "/transparency");
                    b.waitUntil("the figures", Duration.ofSeconds(5), () -> "8".equals(b.text("#entries-held .figure-value")));
                    // the newest signed checkpoint of each log, for whoever keeps copies (docs/threat-model.md T39)
                    b.waitFor("#checkpoints tr[data-log='scan_log']", Duration.ofSeconds(5));
                    b.waitFor("#checkpoints tr[data-log='audit_log']", Duration.ofSeconds(5));
                    save(b, out, "transparency-" + s.name());
                }

                b.viewport(390, 844, true);
                b.open(app.base + "/pass");
                b.type("#register-name", "Kim Minji");
                b.type("#register-phone", "010-1234-5678");
                save(b, out, "pass-register-phone");
                b.el("#register-submit").click();
                save(b, out, "pass-register-confirm");
                b.el("#register-confirm-yes").click();
                b.waitUntil("the QR", Duration.ofSeconds(10), () -> "fresh".equals(b.attr("#qr-box", "data-state")));
                // the visitor goes through the library door, then looks at the phone again
                String shown = (String) b.js("return JSON.parse(localStorage.getItem('entrylog.pass')).token");
                app.scan(door, shown);
                b.el("#history-refresh").click();
                for (Size s : SIZES) {
                    b.viewport(s.width(), s.height(), s.mobile());
                    b.js("window.dispatchEvent(new Event('resize'));");
                    Thread.sleep(300);
                    save(b, out, "pass-" + s.name());
                }
            }
        }
    }

    /** Saves the viewport as PNG after checking it is a drawn page of the expected size. */
    private static void save(Browser b, Path dir, String name) throws IOException, InterruptedException {
        Thread.sleep(500); // layout after a size change, fonts, the camera's first frame
        byte[] png = b.screenshot();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int w = ((Number) b.js("return window.innerWidth")).intValue();
        assertEquals(w, img.getWidth(), name);
        assertTrue(colours(img) > 8, name + " looks blank");
        Browser.write(dir.resolve(name + ".png"), png);
    }

    private static int colours(BufferedImage img) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 0; x < img.getWidth(); x += 7) {
                seen.add(img.getRGB(x, y));
                if (seen.size() > 8) {
                    return seen.size();
                }
            }
        }
        return seen.size();
    }
}
