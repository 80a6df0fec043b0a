package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names are chosen by whoever types them (a visitor's own name, a venue's name): the pages show
 * them as text. Markup in a name must appear literally and never become an element or run.
 */
@Tag("browser")
class UntrustedTextTest {
    private static final String MARKUP = "<img src=x onerror=alert(1)>";

    @TempDir
    Path tmp;
    private RealTime time;
    private TestApp app;
    private Browser b;

    @BeforeEach
    void start() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        time = RealTime.follow(clock);
        app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"));
        b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), FakeCamera.blank(tmp.resolve("wall.y4m")));
    }

    @AfterEach
    void stop() {
        b.close();
        app.close();
        time.close();
    }

    @Test
    void markupInAVenueNameIsShownAsTextOnTheScanner() {
        String code = app.app.venues.add(MARKUP, null).enrollmentCode();
        b.open(app.base + "/scan?enroll=" + code);
        b.waitUntil("the enrolled scanner", Duration.ofSeconds(10), () -> b.attr("#scanner-section", "hidden") == null);
        assertEquals(MARKUP, b.text("#venue-name"));
        assertTrue(b.text("#sync-status").contains(MARKUP), "the enrollment message names the venue literally");
        assertNothingRan();
    }

    @Test
    void markupInAVisitorsNameIsAcceptedAndNeverRendered() {
        b.open(app.base + "/pass");
        b.type("#register-name", MARKUP);
        b.type("#register-phone", "010-9876-5432");
        b.el("#register-submit").click();
        b.el("#register-confirm-yes").click();
        b.waitUntil("a QR pass", Duration.ofSeconds(10), () -> b.attr("#qr", "src") != null);
        assertNothingRan();
    }

    @Test
    void markupInAVenueNameIsShownAsTextInTheVisitorsHistory() {
        TestApp.Visitor v = app.register(MARKUP, "010-9876-5432");
        assertEquals(200, app.get("/api/visitors/" + v.id() + "/history", v.secret()).status(),
                "the visitor's history answers");
        TestApp.Device d = app.venueWithDevice(MARKUP);
        assertEquals(201, app.scan(d, app.pass(v)).status());

        b.open(app.base + "/pass");
        b.js("localStorage.setItem('entrylog.visitor', JSON.stringify({visitorId: arguments[0], secret: arguments[1]}));",
                v.id(), v.secret());
        b.open(app.base + "/pass");
        b.waitUntil("the visit in the history", Duration.ofSeconds(10),
                () -> b.present("#visits .event-main"));
        assertEquals(MARKUP, b.text("#visits .event-main"));
        assertNothingRan();
    }

    private void assertNothingRan() {
        assertFalse(b.present("img[src='x']"), "no element was made from the name");
        assertEquals(List.of(), b.alerts(), "no script from the name ran");
        assertEquals(List.of(), b.cspViolations(), "nothing even tried to run against the CSP");
    }
}
