package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The door: a tablet opens the printed enrollment link, its camera sees a visitor's pass, and
 * the visit is in the log — all in a real Chromium whose camera is a video of the pass.
 */
@Tag("browser")
class ScannerCameraTest {
    @TempDir
    Path tmp;

    @Test
    void enrollmentLinkThenCameraLogsTheVisitOnceWithAGreenAnswer() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_TOKEN_TTL_SECONDS", "600"))) {
            String code = app.app.venues.add("Cafe Haneul", null).enrollmentCode();
            String token = app.pass(app.register("Kim Minji", "010-1234-5678"));
            Path video = FakeCamera.showing(token, tmp.resolve("pass.y4m"));

            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), video)) {
                b.open(app.base + "/scan?enroll=" + code);
                assertTrue(!b.driver.getCurrentUrl().contains(code), "the enrollment code is taken out of the address");

                b.waitUntil("a green answer for the pass", Duration.ofSeconds(20),
                        () -> "accepted".equals(b.attr("#result", "data-state")));
                assertEquals("Cafe Haneul", b.text("#venue-name"));
                assertEquals("ready", b.attr("#camera", "data-state"));
                assertEquals(1, app.count("SELECT count(*) FROM scan_log"));
                assertEquals("1", b.text("#today-count"));
                assertEquals("0", b.text("#pending-count"));
                // the tablet shows which one it is, so staff can name it to the operator revoking a lost one
                String deviceId = app.app.venues.list(null).get(0).deviceId();
                assertEquals(deviceId, b.attr("#device-id", "title"));
                assertEquals("Tablet 1 · " + deviceId.substring(0, 8) + "…", b.attr("#device-id", "data-short"));

                // The pass stays in front of the camera: it is read again and again, but neither
                // posted again nor answered again.
                Thread.sleep(2500);
                assertEquals("1", b.attr("#result", "data-seq"), "one answer for one pass");
                assertEquals(1, app.count("SELECT count(*) FROM scan_log"));
                assertEquals("1", b.text("#today-count"));
                assertEquals(java.util.List.of(), b.cspViolations());
            }
        }
    }
}
