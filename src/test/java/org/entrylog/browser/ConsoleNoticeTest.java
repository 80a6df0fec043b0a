package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.entrylog.official.Officials;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop of docs/design.md, Exposure notices, in a real browser: an official traces a case in the
 * console, ticks one of two contacts and sends a notice; that contact's /pass shows it first, above
 * the pass, with the official's message as text, and acknowledges it; the other contact's /pass
 * shows none.
 */
@Tag("browser")
class ConsoleNoticeTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String MESSAGE = "<b>Call 1339</b> & bring this";

    @TempDir
    Path tmp;

    @Test
    void anOfficialNotifiesOneContactWhoSeesItFirstOnThePassAndAcknowledgesIt() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            TestApp.Device door = app.venueWithDevice("Suwon Noodle Bar");
            TestApp.Visitor theCase = app.register("Case Person", "010-5555-0001");
            TestApp.Visitor chosen = app.register("Contact One", "010-5555-0002");
            TestApp.Visitor other = app.register("Contact Two", "010-5555-0003");
            for (TestApp.Visitor v : List.of(theCase, chosen, other)) {
                assertEquals(201, app.scan(door, app.pass(v)).status());
            }
            Officials.add(app, "inspector.kim");

            b.viewport(1280, 900, false);
            b.open(app.base + "/console");
            b.waitFor("#login-form", WAIT);
            b.type("#login-username", "inspector.kim");
            b.type("#login-password", Officials.PASSWORD);
            b.type("#login-totp", Officials.code(app, "inspector.kim"));
            b.el("#login-submit").click();
            b.waitUntil("the trace form", WAIT, () -> b.attr("#trace-section", "hidden") == null);
            b.type("#trace-caseref", "KDCA-2026-000321");
            b.type("#trace-phone", "010-5555-0001");
            b.el("#trace-submit").click();
            b.waitUntil("trace results", WAIT, () -> b.attr("#trace-results", "hidden") == null);

            // grouped by venue and the case's visit there, one checkbox per contact
            assertTrue(b.text("#trace-contacts tr.contact-group").contains("Suwon Noodle Bar"),
                    b.text("#trace-contacts tr.contact-group"));
            assertEquals(2L, b.js("return document.querySelectorAll('#trace-contacts input.notice-pick').length"));
            assertTrue(b.attr("#notice-form", "hidden") == null);
            b.el("#notice-all").click();
            assertEquals(true, b.js("return [...document.querySelectorAll('input.notice-pick')].every(x => x.checked)"));
            b.el("#notice-all").click();
            b.el("#trace-contacts input.notice-pick[value='" + chosen.id() + "']").click();
            b.el("#notice-level-isolate").click();
            b.type("#notice-message", MESSAGE);
            b.el("#notice-submit").click();
            b.waitUntil("sent", WAIT, () -> b.attr("#notice-status", "hidden") == null);
            assertTrue(b.text("#notice-status").contains("1"), b.text("#notice-status"));
            assertEquals(1, app.count("SELECT count(*) FROM notice"));

            // the chosen contact's phone: the notice first, above the pass
            b.open(app.base + "/pass");
            b.js("localStorage.setItem('entrylog.visitor', JSON.stringify({visitorId: arguments[0], secret: arguments[1]}));"
                    + " localStorage.removeItem('entrylog.pass');", chosen.id(), chosen.secret());
            b.open(app.base + "/pass");
            b.waitUntil("the notice", WAIT, () -> b.attr("#notices-unread", "hidden") == null);
            b.waitUntil("the QR", WAIT, () -> "fresh".equals(b.attr("#qr-box", "data-state")));
            assertEquals(true, b.js("const n = document.getElementById('notices-unread');"
                    + " const p = document.getElementById('pass-section');"
                    + " return n.getBoundingClientRect().top < p.getBoundingClientRect().top"
                    + " && Boolean(n.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING);"), "first, above the pass");
            String notice = b.text("#notices-unread");
            assertTrue(notice.contains("Suwon Noodle Bar"), notice);
            assertTrue(notice.contains("stay at home"), notice);
            assertEquals(MESSAGE, b.text("#notices-unread .notice-message-text"), "the message as text");
            assertEquals(0L, b.js("return document.querySelectorAll('#notices-unread b').length"), "no markup");
            assertTrue(b.text("#notices").contains("Suwon Noodle Bar"), "listed in the history too");

            // the same notice in Korean: what to do in Korean words, the venue and message as given
            b.open(app.base + "/pass?lang=ko");
            b.waitUntil("the notice", WAIT, () -> b.attr("#notices-unread", "hidden") == null);
            assertTrue(b.text("#notices-unread").contains("집에 머무르고"), b.text("#notices-unread"));
            KoreanPagesTest.assertNoEnglish(b, "/pass with a notice", "Suwon", "Noodle", "Bar", "Call", "bring", "this",
                    "KDCA"); // the case reference among the accesses
            b.open(app.base + "/pass?lang=en");
            b.waitUntil("the notice", WAIT, () -> b.attr("#notices-unread", "hidden") == null);
            b.el("#notices-unread .notice-ack").click();
            b.waitUntil("acknowledged", WAIT, () -> b.attr("#notices-unread", "hidden") != null);
            assertEquals(1, app.count("SELECT count(*) FROM notice WHERE acknowledged_at IS NOT NULL"));
            assertFalse(b.text("#notices").contains("not read"), b.text("#notices"));

            // the other contact's phone: nothing
            b.js("localStorage.setItem('entrylog.visitor', JSON.stringify({visitorId: arguments[0], secret: arguments[1]}));"
                    + " localStorage.removeItem('entrylog.pass');", other.id(), other.secret());
            b.open(app.base + "/pass");
            b.waitUntil("the history", WAIT, () -> b.present("#notices li.empty"));
            assertFalse(b.attr("#notices-unread", "hidden") == null, "no notice for the contact not chosen");
            assertEquals(List.of(), b.cspViolations());
        }
    }
}
