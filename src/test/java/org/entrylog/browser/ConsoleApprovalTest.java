package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Officials;
import org.entrylog.official.Passwords;
import org.entrylog.official.RegionScope;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's purpose-bound parts: the region scope shown, a venue listed from a trace's case
 * visit, a list outside the trace's reach answered with the needs_approval message and an approval
 * request, the requester unable to grant it, and a second official granting it.
 */
@Tag("browser")
class ConsoleApprovalTest {
    @TempDir
    Path tmp;

    private static void signIn(Browser b, TestApp app, String username) {
        b.open(app.base + "/console");
        b.waitFor("#login-form", Duration.ofSeconds(5));
        b.type("#login-username", username);
        b.type("#login-password", Officials.PASSWORD);
        b.type("#login-totp", Officials.code(app, username));
        b.el("#login-submit").click();
        b.waitUntil("the trace form", Duration.ofSeconds(10), () -> b.attr("#trace-section", "hidden") == null);
        b.waitUntil("the region scope", Duration.ofSeconds(10), () -> b.attr("#region-scope", "hidden") == null);
    }

    @Test
    void anOfficialListsFromATraceAsksForAnApprovalAndASecondOfficialGrantsIt() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            TestApp.Device door = app.enroll(app.app.venues.add("Suwon Noodle Bar", null, "KR-41").enrollmentCode());
            TestApp.Visitor theCase = app.register("Case Person", "010-5555-0001");
            TestApp.Visitor contact = app.register("Contact Person", "010-5555-0002");
            assertEquals(201, app.scan(door, app.pass(theCase)).status());
            assertEquals(201, app.scan(door, app.pass(contact)).status());
            new OfficialAccounts(app.app.db, new Passwords(), app.clock).add("inspector.kim", Officials.PASSWORD,
                    RegionScope.parse("KR-41"));
            Officials.enroll(app, "inspector.kim"); // its second factor, as official add gives one
            Officials.add(app, "inspector.lee");

            b.viewport(1280, 900, false);
            signIn(b, app, "inspector.kim");
            assertTrue(b.text("#region-scope").contains("KR-41"), b.text("#region-scope"));

            b.type("#trace-caseref", "KDCA-2026-000123");
            b.type("#trace-phone", "+82 10 5555 0001");
            b.el("#trace-submit").click();
            b.waitUntil("trace results", Duration.ofSeconds(10), () -> b.attr("#trace-results", "hidden") == null);

            // the case's visit → that venue, within the trace's window: listed
            b.el("#trace-visits tbody tr button").click();
            assertEquals(door.venueId(), b.js("return document.getElementById('venue-id').value"));
            b.el("#venue-submit").click();
            b.waitUntil("the venue's visits", Duration.ofSeconds(10), () -> b.attr("#venue-results", "hidden") == null);
            List<?> rows = (List<?>) b.js("return [...document.querySelectorAll('#venue-visits tbody tr')].map(r => r.textContent)");
            assertEquals(2, rows.size(), rows.toString());

            // a day earlier: outside every trace's reach → needs_approval, and a request
            b.js("const f = document.getElementById('venue-from'); const d = new Date(Date.now() - 86400000);"
                    + " const p = (n) => String(n).padStart(2, '0');"
                    + " f.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;");
            b.el("#venue-submit").click();
            b.waitUntil("the needs_approval message", Duration.ofSeconds(10),
                    () -> b.attr("#approval-request", "hidden") == null);
            assertTrue(b.attr("#venue-error", "hidden") == null);
            b.type("#approval-reason", "The case's colleague arrived the day before");
            b.el("#approval-submit").click();
            b.waitUntil("the request", Duration.ofSeconds(10), () -> b.attr("#approval-message", "hidden") == null);
            assertEquals(1, app.count("SELECT count(*) FROM approval WHERE requested_by = 'inspector.kim'"));
            b.waitUntil("the pending request listed", Duration.ofSeconds(10),
                    () -> b.present("#approvals tbody tr button"));
            b.el("#approvals tbody tr button").click();
            b.waitUntil("own grant refused", Duration.ofSeconds(10), () -> b.attr("#approvals-error", "hidden") == null);
            assertEquals(0, app.count("SELECT count(*) FROM approval WHERE granted_at IS NOT NULL"));

            b.el("#logout").click();
            b.waitUntil("the sign-in form again", Duration.ofSeconds(10), () -> b.attr("#login-section", "hidden") == null);
            signIn(b, app, "inspector.lee");
            b.waitUntil("the pending request listed", Duration.ofSeconds(10),
                    () -> b.present("#approvals tbody tr button"));
            b.el("#approvals tbody tr button").click();
            b.waitUntil("granted", Duration.ofSeconds(10),
                    () -> app.count("SELECT count(*) FROM approval WHERE granted_by = 'inspector.lee'") == 1);
            b.waitUntil("the grant shown", Duration.ofSeconds(10), () -> !b.present("#approvals tbody tr button"));
            assertEquals(1, app.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/approvals/{approvalId}/grant'"
                    + " AND official = 'inspector.kim' AND status = 403"));
            assertEquals(List.of(), b.cspViolations());
        }
    }
}
