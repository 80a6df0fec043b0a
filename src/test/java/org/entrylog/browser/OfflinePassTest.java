package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.entrylog.pass.PassToken;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "done when" for offline passes: a phone that lost its network four hours ago shows a
 * pass that a tablet, itself offline and syncing later, gets accepted; the same pass at a second
 * venue is refused.
 *
 * <p>One Chromium profile plays both the phone (/pass) and the tablet (/scan): their pages keep
 * separate storage keys on one origin. "Four hours later" is the server's injected clock and the
 * page's clock both moved four hours ahead: the server's through {@link RealTime} with an offset,
 * the page's through a DevTools script that shifts {@code Date} before the page's scripts run
 * (the service worker and the server's {@code Date} header keep the wall clock). Being offline is
 * Chromium's network emulation. What it does not prove: the phone's real wait of four hours (its
 * timers run for seconds), and the tablet reading the phone's screen through a camera: the test
 * decodes the QR image the phone displays and puts that token before the tablet's fake camera.
 */
@Tag("browser")
@Tag("slow")
class OfflinePassTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LATER = Duration.ofHours(4);

    @TempDir
    Path tmp;

    @Test
    void aPhoneOfflineForFourHoursShowsAPassThatAnOfflineTabletGetsAcceptedAndASecondVenueRefuses() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        Path camera = FakeCamera.blank(tmp.resolve("camera.y4m"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        Map<String, String> env = Map.of("ENTRYLOG_RATE_LIMITS", "off");
        try (TestApp app = new TestApp(data, clock, env);
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), camera)) {
            String code = app.app.venues.add("Library Hall", null).enrollmentCode();
            TestApp.Device market = app.venueWithDevice("Night Market");
            String token;
            try (RealTime now = RealTime.follow(clock)) {
                // The tablet is enrolled, and the phone registers and keeps its bundle, while online.
                b.open(app.base + "/scan?enroll=" + code);
                b.waitUntil("the enrolled scanner", WAIT, () -> b.attr("#scanner-section", "hidden") == null);
                b.open(app.base + "/pass");
                b.type("#register-name", "Han Minji");
                b.type("#register-phone", "010-4444-5555");
                b.el("#register-submit").click();
                b.el("#register-confirm-yes").click(); // the number is read back before registering
                b.waitUntil("the bundle is kept on the phone", WAIT,
                        () -> "144".equals(b.attr("#pass-section", "data-offline-passes")));
                b.waitUntil("the service worker controls the pages", WAIT,
                        () -> Boolean.TRUE.equals(b.js("return !!navigator.serviceWorker.controller")));
                assertTrue(b.attr("#offline-label", "hidden") != null, "online: the live pass, unlabelled");
            }

            // The network goes; four hours pass.
            b.offline(true);
            b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", shiftDate(LATER)));
            try (RealTime later = RealTime.follow(clock, LATER)) {
                Instant shownAt = clock.instant();
                b.driver.navigate().refresh(); // the page comes from the service worker
                b.waitUntil("the offline pass", WAIT, () -> "offline".equals(b.attr("#qr-box", "data-state")));
                assertEquals(null, b.attr("#offline-label", "hidden"));
                assertEquals("Offline pass", b.text("#offline-label"));
                assertTrue(b.text("#countdown").startsWith("Offline pass, valid until"), b.text("#countdown"));
                b.waitUntil("no blur", Duration.ofSeconds(1),
                        () -> "none".equals(b.js("return getComputedStyle(document.getElementById('qr')).filter")));
                // the offline pass, for the README (target/screenshots unless -Dentrylog.screenshots=docs/screenshots)
                Browser.write(Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"))
                        .resolve("pass-offline.png"), b.screenshot());
                token = decode(b.attr("#qr", "src"));
                byte[] raw = Base64.getUrlDecoder().decode(token);
                assertEquals(PassToken.VERSION_SLOT, raw[0], "a slot pass of the bundle");
                long notBefore = java.nio.ByteBuffer.wrap(raw, 39, 16).getLong();
                long expiresAt = java.nio.ByteBuffer.wrap(raw, 47, 8).getLong();
                // the slot of some instant while the page showed it (a 10-minute boundary may pass meanwhile)
                long shownUntil = clock.instant().getEpochSecond();
                assertTrue(notBefore <= shownUntil && shownAt.getEpochSecond() < expiresAt,
                        "the slot of four hours later: " + notBefore + "–" + expiresAt + ", shown " + shownAt + "–"
                                + shownUntil);

                // The tablet, offline too, reads that pass and queues it.
                Path next = FakeCamera.showing(token, tmp.resolve("camera-next.y4m"));
                Files.move(next, camera, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                b.driver.get(app.base + "/scan");
                b.waitUntil("the pass is queued on the tablet", WAIT, () -> "1".equals(b.text("#pending-count")));
                assertEquals(0, app.count("SELECT count(*) FROM scan_log"));

                // The network returns: the queue is sent with the time of the scan, and accepted.
                b.offline(false);
                b.waitUntil("the queue is sent", WAIT, () -> "0".equals(b.text("#pending-count")));
                assertEquals(1, app.count("SELECT count(*) FROM scan_log"));
                long scannedAt = app.count("SELECT scanned_at FROM scan_log");
                assertTrue(scannedAt >= notBefore * 1000 - 120_000 && scannedAt <= expiresAt * 1000, "inside the slot");
                assertEquals(0, app.count("SELECT count(*) FROM scan_log WHERE device_time IS NOT NULL"));

                // The same pass at a second venue is refused.
                TestApp.Response elsewhere = app.scan(market, token);
                assertEquals(409, elsewhere.status(), elsewhere.body());
                assertEquals("token_used_elsewhere", elsewhere.text("error"));

                // Back on the phone, online: the history shows the visit, and the spent pass is dropped.
                b.driver.get(app.base + "/pass");
                b.waitUntil("the visit in the history", WAIT, () -> "Library Hall".equals(b.text("#visits .event-main")));
                b.waitUntil("the spent pass is dropped", WAIT, () -> !storedTokens(b).contains(token));
                assertFalse(storedTokens(b).isEmpty(), "the later slots are kept");
                assertEquals(List.of(), b.cspViolations());
            }
        }
    }

    /** A script that moves the page's {@code Date} by {@code offset}, run before the page's own. */
    private static String shiftDate(Duration offset) {
        return """
                (() => {
                  const offset = %d;
                  const RealDate = Date;
                  class ShiftedDate extends RealDate {
                    constructor(...a) { if (a.length === 0) super(RealDate.now() + offset); else super(...a); }
                    static now() { return RealDate.now() + offset; }
                  }
                  globalThis.Date = ShiftedDate;
                })();
                """.formatted(offset.toMillis());
    }

    @SuppressWarnings("unchecked")
    private static List<String> storedTokens(Browser b) {
        return (List<String>) b.jsAsync("""
                const done = arguments[arguments.length - 1];
                const req = indexedDB.open('entrylog-pass', 1);
                req.onsuccess = () => {
                  const get = req.result.transaction('bundle').objectStore('bundle').getAll();
                  get.onsuccess = () => done(get.result.flatMap((r) => r.passes.map((p) => p.token)));
                  get.onerror = () => done([]);
                };
                req.onerror = () => done([]);
                """);
    }

    /** The token in the QR image the page shows (a data: URL, one pixel per module). */
    private static String decode(String dataUrl) throws Exception {
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int scale = 4;
        int w = img.getWidth() * scale;
        int h = img.getHeight() * scale;
        int[] rgb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgb[y * w + x] = img.getRGB(x / scale, y / scale);
            }
        }
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, rgb)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, true)).getText();
    }
}
