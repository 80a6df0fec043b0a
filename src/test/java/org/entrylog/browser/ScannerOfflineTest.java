package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server goes away in the middle of a shift: the tablet keeps taking scans, keeps them
 * through reloads (the page itself comes from the service worker), and sends them through
 * {@code /api/scans/batch} when the server is back.
 */
@Tag("browser")
class ScannerOfflineTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void scansTakenWhileTheServerIsDownSurviveReloadsAndAreSentWhenItReturns() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        Path data = Files.createDirectory(tmp.resolve("data"));
        Map<String, String> env = new HashMap<>(Map.of("ENTRYLOG_TOKEN_TTL_SECONDS", "600", "ENTRYLOG_RATE_LIMITS", "off"));
        try (RealTime time = RealTime.follow(clock)) {
            TestApp first = new TestApp(data, clock, env);
            int port = first.port;
            String base = first.base;
            String code = first.app.venues.add("Library Hall", null).enrollmentCode();
            String passA = first.pass(first.register("Visitor A", "010-1111-2222"));
            String passB = first.pass(first.register("Visitor B", "010-3333-4444"));
            Path camera = FakeCamera.showing(passA, tmp.resolve("camera.y4m"));

            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), camera)) {
                b.open(base + "/scan?enroll=" + code);
                b.waitUntil("visitor A accepted online", WAIT, () -> "accepted".equals(b.attr("#result", "data-state")));
                b.waitUntil("the service worker controls the scanner", WAIT,
                        () -> Boolean.TRUE.equals(b.js("return !!navigator.serviceWorker.controller")));
                assertEquals(1, first.count("SELECT count(*) FROM scan_log"));

                // The next visitor steps up (the fake camera reopens its file at the next start),
                // and the server goes away.
                Path next = FakeCamera.showing(passB, tmp.resolve("camera-next.y4m"));
                Files.move(next, camera, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                first.close();

                // A visitor without a phone, by hand: kept on the tablet.
                // staff tap the answer away if it still shows: checked and tapped in one step, as
                // it hides itself after 1.6 s (the service worker's install, now with the decoder's
                // wasm, can end just then)
                b.js("const r = document.getElementById('result'); if (!r.hidden) r.click();");
                b.el("#manual-open").click();
                b.type("#manual-name", "Park Jiho");
                b.type("#manual-phone", "010-5555-6666");
                b.el("#manual-submit").click();
                b.waitUntil("the manual entry is queued", WAIT, () -> "queued".equals(b.attr("#result", "data-state")));
                assertEquals("1", b.text("#pending-count"));
                assertEquals("1", b.attr("#pending-box", "data-pending"));
                assertFalse(b.el("#offline-banner").getAttribute("hidden") != null, "the offline banner shows");

                // Reload with no server: the service worker serves the page, IndexedDB still holds
                // the entry, the camera starts again and reads visitor B, who is queued too.
                b.driver.navigate().refresh();
                b.waitUntil("the scanner page loads from the service worker", WAIT,
                        () -> "true".equals(b.js("return document.body && document.body.dataset.ready")));
                b.waitUntil("visitor B is queued", WAIT, () -> "2".equals(b.text("#pending-count")));
                assertEquals("queued", b.attr("#result", "data-state"));
                assertEquals("Library Hall", b.text("#venue-name"), "still enrolled after an offline reload");
                assertTrue(b.attr("#enroll-section", "hidden") != null, "no enrollment form offline");

                // Another reload: visitor B is still in front of the camera, but is kept only once.
                b.driver.navigate().refresh();
                b.waitUntil("the camera runs again", WAIT, () -> "ready".equals(b.attr("#camera", "data-state")));
                Thread.sleep(1500);
                assertEquals("2", b.text("#pending-count"));

                // The server returns on the same address: the queue drains within one sync round.
                env.put("ENTRYLOG_PORT", String.valueOf(port));
                try (TestApp second = new TestApp(data, clock, env)) {
                    b.waitUntil("the queue is sent", Duration.ofSeconds(25), () -> "0".equals(b.text("#pending-count")));
                    assertEquals(3, second.count("SELECT count(*) FROM scan_log"), "A online, then B and the manual entry");
                    assertEquals("3", b.text("#today-count"));
                    b.waitUntil("the offline banner goes", WAIT, () -> b.attr("#offline-banner", "hidden") != null);
                    assertEquals(List.of(), b.cspViolations());
                }
            }
        }
    }
    @Test
    void aTabletThatLosesItsNetworkQueuesAtOnceAndSendsWhenTheNetworkReturns() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), FakeCamera.blank(tmp.resolve("wall.y4m")))) {
            String code = app.app.venues.add("Night Market", null).enrollmentCode();
            b.open(app.base + "/scan?enroll=" + code);
            b.waitUntil("the enrolled scanner", WAIT, () -> b.attr("#scanner-section", "hidden") == null);

            b.offline(true);
            b.waitUntil("the offline banner", WAIT, () -> b.attr("#offline-banner", "hidden") == null);
            b.el("#manual-open").click();
            b.type("#manual-name", "Choi Yuna");
            b.type("#manual-phone", "+82 10 7777 8888");
            b.el("#manual-submit").click();
            b.waitUntil("the entry is queued", WAIT, () -> "queued".equals(b.attr("#result", "data-state")));
            assertEquals("1", b.text("#pending-count"));
            assertEquals(0, app.count("SELECT count(*) FROM scan_log"));

            // The browser's 'online' event sends the queue at once, before the 10 s round.
            long back = System.nanoTime();
            b.offline(false);
            b.waitUntil("the queue is sent", WAIT, () -> "0".equals(b.text("#pending-count")));
            assertTrue(System.nanoTime() - back < Duration.ofSeconds(5).toNanos(), "sent on 'online', not on the timer");
            assertEquals(1, app.count("SELECT count(*) FROM scan_log"));
            assertEquals("1", b.text("#today-count"));
            b.waitUntil("the offline banner goes", WAIT, () -> b.attr("#offline-banner", "hidden") != null);
        }
    }
}
