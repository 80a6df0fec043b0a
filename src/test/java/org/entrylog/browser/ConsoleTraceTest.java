package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.entrylog.official.Officials;
import org.entrylog.official.Totp;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official's desk: sign in, trace a case, see the visits and contacts, export a CSV, sign out. */
@Tag("browser")
class ConsoleTraceTest {
    @TempDir
    Path tmp;

    @Test
    void anOfficialSignsInTracesACaseExportsCsvAndSignsOut() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            TestApp.Device door = app.venueWithDevice("Hangang Noodle Bar");
            app.app.db.transaction(c -> { // the tablet's area, as its owner sets it on /venue
                try (var ps = c.prepareStatement("UPDATE device SET area = 'terrace' WHERE public_id = ?")) {
                    ps.setBytes(1, org.entrylog.common.Ids.decode(door.id(), 16));
                    return ps.executeUpdate();
                }
            });
            TestApp.Visitor theCase = app.register("Case Person", "010-5555-0001");
            TestApp.Visitor contact = app.register("Contact Person", "010-5555-0002");
            assertEquals(201, app.scan(door, app.pass(theCase)).status());
            assertEquals(201, app.scan(door, app.pass(contact)).status());
            String totpUri = Officials.add(app, "inspector.park");

            b.viewport(1280, 900, false);
            b.open(app.base + "/console");
            b.waitFor("#login-form", Duration.ofSeconds(5));
            b.type("#login-username", "inspector.park");
            b.type("#login-password", Officials.PASSWORD);
            // the code an authenticator app shows now, from the printed URI and the test clock
            b.type("#login-totp", Totp.code(Totp.secretOf(totpUri), Totp.step(clock.millis())));
            b.el("#login-submit").click();
            b.waitUntil("the trace form", Duration.ofSeconds(10), () -> b.attr("#trace-section", "hidden") == null);

            b.type("#trace-caseref", "KDCA-2026-000123");
            b.type("#trace-phone", "+82 10 5555 0001");
            b.el("#trace-submit").click();
            b.waitUntil("trace results", Duration.ofSeconds(10), () -> b.attr("#trace-results", "hidden") == null);
            List<?> visits = (List<?>) b.js("return [...document.querySelectorAll('#trace-visits tbody tr')].map(r => r.textContent)");
            // one row per contact, under a header row per venue (and the case's visits there)
            List<?> contacts = (List<?>) b.js("return [...document.querySelectorAll('#trace-contacts tbody tr.contact')].map(r => r.textContent)");
            assertEquals(1L, b.js("return document.querySelectorAll('#trace-contacts tbody tr.contact-group').length"));
            assertEquals(1, visits.size(), visits.toString());
            assertEquals(1, contacts.size(), contacts.toString());
            assertTrue(contacts.get(0).toString().contains("Hangang Noodle Bar"), contacts.toString());
            // each scan's area, and the contact marked as in the case's area
            assertEquals("terrace", b.text("#trace-visits tbody td.area"));
            assertTrue(b.text("#trace-contacts tbody td.area").startsWith("terrace"), b.text("#trace-contacts tbody td.area"));
            assertEquals("same area as the case", b.text("#trace-contacts tbody tr.same-area .badge-same-area"));
            assertEquals(1, app.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/traces' AND status = 200"
                    + " AND case_ref = 'KDCA-2026-000123'"));

            // the signed-in console, for the README (target/screenshots unless -Dentrylog.screenshots=docs/screenshots)
            Browser.write(Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"))
                    .resolve("console-trace-tablet.png"), b.screenshot());

            b.el("#download-csv").click();
            b.waitUntil("the CSV export in the audit log", Duration.ofSeconds(10),
                    () -> app.count("SELECT count(*) FROM audit_log WHERE format = 'csv' AND status = 200") == 1);

            b.el("#logout").click();
            b.waitUntil("the sign-in form again", Duration.ofSeconds(10), () -> b.attr("#login-section", "hidden") == null);
            b.waitUntil("the session ended on the server", Duration.ofSeconds(10),
                    () -> app.count("SELECT count(*) FROM official_session WHERE ended_at IS NOT NULL") == 1);
            assertEquals(List.of(), b.cspViolations());
        }
    }
}
