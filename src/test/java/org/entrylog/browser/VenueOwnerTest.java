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
import org.entrylog.owner.Owners;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.QrImages;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The venue owner's page (issue 16): an owner signs in with password and one-time code on /venue,
 * on a phone, and watches the occupancy of their venue change without reloading as a tablet's scans
 * of entries and exits arrive, with the capacity warning (icon and word) at the capacity; a tablet
 * enrolled on /scan shows the same "inside N / C" and warning; the door kit's poster QR decodes to
 * the /pass link.
 */
@Tag("browser")
class VenueOwnerTest {
    static final Duration POLL = Duration.ofSeconds(40); // the pages poll every 10 s (owner) and 15 s (scanner)

    @TempDir
    Path tmp;

    @Test
    void anOwnerWatchesOccupancyChangeAndPrintsTheKitPoster() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")),
                     FakeCamera.blank(tmp.resolve("wall.y4m")))) {
            var venue = app.app.venues.add("Mangwon Book Cafe", null, null, 2, null);
            TestApp.Device door = app.enroll(venue.enrollmentCode());
            Owners.add(app, "owner.park", door.venueId());
            TestApp.Visitor a = app.register("Kim Minji", "010-1234-5678");
            TestApp.Visitor c = app.register("Lee Jun", "010-2222-3333");

            b.viewport(390, 844, true);
            b.open(app.base + "/venue?lang=en");
            b.waitUntil("the sign-in form", Duration.ofSeconds(10), () -> b.attr("#login-section", "hidden") == null);
            b.type("#login-username", "owner.park");
            b.type("#login-password", Officials.PASSWORD);
            b.type("#login-totp", Officials.code(app, "owner.park"));
            b.el("#login-submit").click();
            String value = ".venue-card[data-venue-id='" + door.venueId() + "'] .occupancy-value";
            b.waitUntil("the venue's occupancy", Duration.ofSeconds(15), () -> b.present(value)
                    && "0 / 2".equals(b.text(value)));
            assertEquals("Mangwon Book Cafe", b.text(".venue-card .venue-name"));
            assertEquals("true", String.valueOf(b.js("return document.querySelector('.occupancy-full').hidden")));

            assertEquals(201, app.post("/api/scans", Map.of("token", app.pass(a), "direction", "in"), door.secret()).status());
            assertEquals(201, app.post("/api/scans", Map.of("token", app.pass(c), "direction", "in"), door.secret()).status());
            b.waitUntil("two inside, without a reload", POLL, () -> "2 / 2".equals(b.text(value)));
            b.waitUntil("the capacity warning", Duration.ofSeconds(5),
                    () -> b.attr(".venue-card .occupancy-full", "hidden") == null);
            assertEquals("Full: at capacity", b.text(".venue-card .occupancy-full"));
            assertEquals("2", b.text(".venue-card .venue-scans"));
            Browser.write(Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"))
                    .resolve("venue-owner-phone.png"), b.screenshot());

            // the venue's tablet: the same count and the warning, in words
            b.open(app.base + "/scan?lang=ko");
            b.waitUntil("the enrollment form", Duration.ofSeconds(15), () -> b.attr("#enroll-section", "hidden") == null);
            b.js("localStorage.setItem('entrylog.device', JSON.stringify({deviceId: arguments[0], secret: arguments[1],"
                    + " venueId: arguments[2], venueName: 'Mangwon Book Cafe'}))", door.id(), door.secret(), door.venueId());
            b.open(app.base + "/scan?lang=ko"); // as enrolled with the venue's code
            b.waitUntil("the tablet's occupancy", POLL, () -> "2 / 2".equals(b.text("#occupancy-count")));
            assertEquals("만석: 수용 인원에 도달", b.text("#occupancy-full"));

            assertEquals(201, app.post("/api/scans", Map.of("token", app.pass(a), "direction", "out"), door.secret()).status());
            b.waitUntil("one inside on the tablet", POLL, () -> "1 / 2".equals(b.text("#occupancy-count")));
            assertEquals("", b.text("#occupancy-full"));

            b.open(app.base + "/venue?lang=ko");
            b.waitUntil("one inside on the owner page", POLL, () -> b.present(value) && "1 / 2".equals(b.text(value)));
            b.el(".venue-card .venue-kit").click();
            b.waitUntil("the door kit poster", Duration.ofSeconds(10), () -> b.attr("#kit-poster", "hidden") == null);
            assertEquals(app.base + "/pass", QrImages.decodeDataUrl(b.attr("#kit-pass-qr", "src")));
            assertEquals(app.base + "/pass", b.text("#kit-pass-url"));
            assertEquals("Mangwon Book Cafe", b.text("#kit-venue-name"));
            b.viewport(1024, 1366, true);
            Browser.write(Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"))
                    .resolve("venue-kit-tablet.png"), b.screenshot());

            b.el("#kit-back").click();
            b.waitUntil("the venues again", Duration.ofSeconds(10), () -> b.present(value));
            b.el("#logout").click();
            b.waitUntil("signed out on the server", Duration.ofSeconds(10),
                    () -> app.count("SELECT count(*) FROM official_session WHERE ended_at IS NOT NULL") == 1);
            assertEquals(List.of(), b.cspViolations());
            assertTrue(b.alerts().isEmpty(), b.alerts().toString());
        }
    }
}
