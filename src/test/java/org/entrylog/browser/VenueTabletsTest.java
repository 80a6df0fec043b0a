package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.entrylog.official.Officials;
import org.entrylog.owner.Owners;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.QrImages;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A venue owner's tablets on /venue (issue 16), in real Chromium: the owner signs in, names a
 * tablet and gives it an area, revokes it (its next scan is refused), makes a new enrollment code
 * (the old one is refused, the new one enrolls a tablet whose camera is a video of a visitor's
 * pass), watches the occupancy change as that tablet scans an entry and an exit, and prints the door
 * kit: Chromium prints it to PDF, the PDF is rasterized, and the QR codes read off its two pages are
 * the new enrollment link and the /pass link under the configured public URL.
 */
@Tag("browser")
class VenueTabletsTest {
    static final Duration POLL = Duration.ofSeconds(40); // the owner page polls every 10 s
    static final String PUBLIC_URL = "https://entry.example.kr";

    @TempDir
    Path tmp;

    private static Path screenshots() {
        return Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"));
    }

    @Test
    void anOwnerManagesTabletsWatchesOccupancyAndPrintsTheKit() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_RATE_LIMITS", "off", "ENTRYLOG_TOKEN_TTL_SECONDS", "600",
                             "ENTRYLOG_PUBLIC_URL", PUBLIC_URL));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("owner")), null)) {
            var venue = app.app.venues.add("Mangwon Book Cafe", null, null, 2, null);
            String oldCode = venue.enrollmentCode();
            TestApp.Device door = app.enroll(oldCode);
            TestApp.Device bar = app.enroll(oldCode);
            Owners.add(app, "owner.park", door.venueId());
            TestApp.Visitor visitor = app.register("Kim Minji", "010-1234-5678");
            assertEquals(201, app.scan(bar, app.pass(app.register("Lee Jun", "010-2222-3333"))).status());

            b.viewport(1024, 1366, true);
            b.open(app.base + "/venue?lang=en");
            b.waitUntil("the sign-in form", Duration.ofSeconds(10), () -> b.attr("#login-section", "hidden") == null);
            b.type("#login-username", "owner.park");
            b.type("#login-password", Officials.PASSWORD);
            b.type("#login-totp", Officials.code(app, "owner.park"));
            b.el("#login-submit").click();
            String row = "tr.tablet[data-device-id='" + door.id() + "']";
            b.waitUntil("the venue's tablets", Duration.ofSeconds(15), () -> b.present(row));
            assertEquals("Tablet 1", b.text(row + " .tablet-label"));
            assertEquals("1", b.text("tr.tablet[data-device-id='" + bar.id() + "'] .tablet-scans"));

            // name the tablet and give it an area
            b.el(row + " .tablet-edit").click();
            b.waitUntil("the edit form", Duration.ofSeconds(5), () -> b.attr(".tablet-form", "hidden") == null);
            b.el(".tablet-form-label").clear();
            b.type(".tablet-form-label", "Front door");
            b.type(".tablet-form-area", "terrace");
            b.el(".tablet-form-save").click();
            b.waitUntil("the new label and area", Duration.ofSeconds(10),
                    () -> "Front door".equals(b.text(row + " .tablet-label")) && "terrace".equals(b.text(row + " .tablet-area")));
            assertEquals(1, app.count("SELECT count(*) FROM device WHERE label = 'Front door' AND area = 'terrace'"));

            // revoke it: two taps; its next scan is refused
            b.el(row + " .tablet-revoke").click();
            assertEquals("Tap again to revoke", b.text(row + " .tablet-revoke"));
            b.el(row + " .tablet-revoke").click();
            b.waitUntil("the tablet revoked", Duration.ofSeconds(10), () -> "true".equals(b.attr(row, "data-revoked")));
            assertEquals(401, app.scan(door, app.pass(visitor)).status());

            // a new enrollment code: two taps; shown once with the server's QR; the old code is refused
            b.el(".venue-new-code").click();
            b.el(".venue-new-code").click();
            b.waitUntil("the new code", Duration.ofSeconds(10), () -> b.attr(".venue-code", "hidden") == null
                    && b.attr(".venue-code-qr", "src") != null);
            String enrollmentUrl = b.text(".venue-code-url");
            assertTrue(enrollmentUrl.startsWith(PUBLIC_URL + "/scan?enroll="), enrollmentUrl);
            assertEquals(enrollmentUrl, QrImages.decodeDataUrl(b.attr(".venue-code-qr", "src")));
            String newCode = enrollmentUrl.substring(enrollmentUrl.indexOf("enroll=") + 7);
            assertEquals(401, app.post("/api/devices", Map.of("enrollmentCode", oldCode), null).status(), "the old code");
            Browser.write(screenshots().resolve("venue-tablets-tablet.png"), b.screenshot());

            // a new tablet enrolls with the new code, and its camera sees the visitor's pass: an entry
            String value = ".venue-card[data-venue-id='" + door.venueId() + "'] .occupancy-value";
            b.waitUntil("one inside (the other tablet's scan)", POLL, () -> "1 / 2".equals(b.text(value)));
            Path profile = Files.createDirectory(tmp.resolve("tablet"));
            try (Browser tablet = Browser.launch(profile, FakeCamera.showing(app.pass(visitor), tmp.resolve("in.y4m")))) {
                tablet.open(app.base + "/scan?enroll=" + newCode);
                tablet.waitUntil("the entry accepted", Duration.ofSeconds(30),
                        () -> "accepted".equals(tablet.attr("#result", "data-state")));
                assertEquals("Mangwon Book Cafe", tablet.text("#venue-name"));
            }
            b.waitUntil("two inside, without a reload", POLL, () -> "2 / 2".equals(b.text(value)));
            assertEquals("Full: at capacity", b.text(".venue-card .occupancy-full"));
            // the same tablet, set to exits, sees another pass of the same visitor: an exit
            try (Browser tablet = Browser.launch(profile, FakeCamera.showing(app.pass(visitor), tmp.resolve("out.y4m")))) {
                tablet.open(app.base + "/ca"); // the scanner's origin, without its camera
                tablet.js("localStorage.setItem('entrylog.scan.direction', JSON.stringify('out'))");
                tablet.open(app.base + "/scan");
                assertEquals("out", tablet.attr("#direction", "data-value"));
                tablet.waitUntil("the exit accepted", Duration.ofSeconds(30),
                        () -> "accepted".equals(tablet.attr("#result", "data-state")));
            }
            b.waitUntil("one inside again", POLL, () -> "1 / 2".equals(b.text(value)));
            assertEquals(2, app.count("SELECT count(*) FROM scan_log WHERE device_id = (SELECT max(id) FROM device)"));
            assertEquals(3, app.count("SELECT count(*) FROM device WHERE venue_id = (SELECT id FROM venue)"));

            // the door kit with the new code: printed to PDF by Chromium, its QR codes read back
            b.el(".venue-code-kit").click();
            b.waitUntil("the kit's two sheets", Duration.ofSeconds(10), () -> b.attr("#kit-staff", "hidden") == null
                    && b.attr("#kit-poster", "hidden") == null);
            Map<String, Object> pdf = b.driver.executeCdpCommand("Page.printToPDF",
                    Map.of("printBackground", true, "preferCSSPageSize", true));
            byte[] bytes = Base64.getDecoder().decode((String) pdf.get("data"));
            Files.write(tmp.resolve("kit.pdf"), bytes);
            List<String> read = new ArrayList<>();
            try (PDDocument doc = Loader.loadPDF(bytes)) {
                assertEquals(2, doc.getNumberOfPages(), "the staff sheet and the visitor poster, one A4 page each");
                PDFRenderer renderer = new PDFRenderer(doc);
                for (int page = 0; page < doc.getNumberOfPages(); page++) {
                    read.add(decodePage(renderer.renderImageWithDPI(page, 150)));
                }
            }
            assertEquals(List.of(enrollmentUrl, PUBLIC_URL + "/pass"), read);

            // the kit as printed, for the README: Chromium's print media, screenshot of both sheets
            b.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
            b.viewport(794, 2000, false);
            byte[] printed = b.screenshot();
            Browser.write(screenshots().resolve("venue-kit-print.png"), printed);
            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(printed));
            assertTrue(shot.getHeight() > 1000);
            b.driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));

            assertEquals(List.of(), b.cspViolations());
            assertTrue(b.alerts().isEmpty(), b.alerts().toString());
        }
    }

    /** The QR code on a rasterized page (text around it, so not a pure barcode). */
    private static String decodePage(BufferedImage page) throws Exception {
        int w = page.getWidth();
        int h = page.getHeight();
        int[] rgb = page.getRGB(0, 0, w, h, null, 0, w);
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w, h, rgb)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, true)).getText();
    }
}
