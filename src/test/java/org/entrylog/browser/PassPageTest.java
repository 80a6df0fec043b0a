package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The visitor's phone: register once, then a QR that renews itself before it expires. */
@Tag("browser")
class PassPageTest {
    @TempDir
    Path tmp;

    @Test
    void registeredPassRenewsItselfBeforeExpiryAndSurvivesAReload() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of(
                     "ENTRYLOG_TOKEN_TTL_SECONDS", "5", "ENTRYLOG_RETENTION_DAYS", "21", "ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            b.viewport(390, 844, true);
            b.open(app.base + "/pass");
            assertEquals(null, b.attr("#register-section", "hidden"), "a new phone sees the registration form");
            b.waitFor("#retention-days", Duration.ofSeconds(5));
            assertEquals("21", b.text("#retention-days"), "the retention period is the server's");

            b.type("#register-name", "Lee Seoyeon");
            b.type("#register-phone", "010-2345-6789");
            b.el("#register-submit").click();
            assertEquals("010-2345-6789", b.text("#register-confirm-phone"), "the number is read back first");
            assertEquals(0, app.count("SELECT count(*) FROM visitor"), "nothing is sent before the visitor confirms");
            b.el("#register-confirm-yes").click();
            b.waitUntil("a QR pass", Duration.ofSeconds(10), () -> qr(b) != null);
            assertEquals(1, app.count("SELECT count(*) FROM visitor"));
            String countdown = b.text("#countdown");
            assertTrue(countdown.matches("Valid for [1-5] s"), countdown);
            assertEquals("fresh", b.attr("#qr-box", "data-state"));

            // With a 5 s lifetime the code is replaced before it runs out, with no tap.
            String first = qr(b);
            watchRenewal(b, first);

            // A reload shows a pass at once (the stored one, or a new one), and it keeps renewing.
            b.driver.navigate().refresh();
            b.waitUntil("a QR pass after the reload", Duration.ofSeconds(5), () -> qr(b) != null);
            assertEquals("", b.attr("#register-section", "hidden"), "no second registration");
            assertEquals(1, app.count("SELECT count(*) FROM visitor"));
            watchRenewal(b, qr(b));
            assertEquals(List.of(), b.cspViolations());
        }
    }

    private static String qr(Browser b) {
        String src = b.attr("#qr", "src");
        return src != null && src.startsWith("data:image/png;base64,") ? src : null;
    }

    /** Waits for the QR to change on its own, checking every 100 ms that it is never shown expired. */
    private static void watchRenewal(Browser b, String current) throws InterruptedException {
        assertNotNull(current);
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while (System.nanoTime() < deadline) {
            String state = b.attr("#qr-box", "data-state");
            assertNotEquals("expired", state, "the pass on screen ran out before it was renewed");
            String now = qr(b);
            if (now != null && !now.equals(current)) {
                assertFalse(b.text("#countdown").isEmpty());
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the pass was not renewed within 8 s of a 5 s lifetime");
    }
}
