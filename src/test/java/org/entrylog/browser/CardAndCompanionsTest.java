package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.entrylog.chain.LogVerifier;
import org.entrylog.common.Json;
import org.entrylog.official.Officials;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A printed card from /card, seen by a tablet's camera, is checked in, and its typed number at the
 * same door is the duplicate it is; at another door staff tap "+1" and type the number, and the
 * trace shows that companion.
 */
@Tag("browser")
@Tag("slow")
class CardAndCompanionsTest {
    @TempDir
    Path tmp;

    /** The text of a QR image as the page shows it (a data: URL at one pixel per module). */
    static String decode(String dataUrl) throws Exception {
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        int[] px = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(
                new RGBLuminanceSource(img.getWidth(), img.getHeight(), px)));
        return new QRCodeReader().decode(bitmap, Map.of(DecodeHintType.PURE_BARCODE, true)).getText();
    }

    @Test
    void aPrintedCardScansRepeatsAsADuplicateAndPlusOneIsInTheTrace() throws Exception {
        MutableClock clock = new MutableClock(Instant.now()); // the console's default window is the browser's now
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of())) {
            Officials.add(app, "kim");
            String doorA = app.app.venues.add("Senior centre", null).enrollmentCode();
            String doorB = app.app.venues.add("Library", null).enrollmentCode();
            TestApp.Visitor holder = app.register("Park Soon-ja", "010-2222-3333");

            String token;
            String number;
            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile-b")),
                    FakeCamera.blank(tmp.resolve("blank.y4m")))) {
                // the relative's phone: the registration kept by /pass, then /card
                b.open(app.base + "/pass");
                b.js("localStorage.setItem('entrylog.visitor', JSON.stringify({visitorId: arguments[0], secret: arguments[1]}))",
                        holder.id(), holder.secret());
                b.open(app.base + "/card");
                b.type("#card-initials-input", "p.s.j");
                b.el("#card-make").click();
                b.waitUntil("the card", Duration.ofSeconds(20), () -> b.attr("#card-qr", "src") != null);
                assertEquals("PSJ", b.text("#card-initials"));
                number = b.text("#card-number");
                assertTrue(number.matches("\\d{4} \\d{4} \\d{4}"), number);
                token = decode(b.attr("#card-qr", "src"));
                Number width = (Number) b.js("return document.getElementById('print-card').getBoundingClientRect().width");
                assertEquals(85.6 / 25.4 * 96, width.doubleValue(), 1.5, "credit-card width");
                assertEquals(Boolean.FALSE, b.js("return document.body.textContent.includes('Park')"), "initials only");
                // the printable card, for the README (target/screenshots unless -Dentrylog.screenshots=docs/screenshots)
                Browser.write(Path.of(System.getProperty("entrylog.screenshots", "target/screenshots"))
                        .resolve("card-print.png"), b.screenshot());
                assertEquals(java.util.List.of(), b.cspViolations());

                // tablet A sees the printed card: checked in; its number typed at the same door: a duplicate
                try (Browser a = Browser.launch(Files.createDirectory(tmp.resolve("profile-a")),
                        FakeCamera.showing(token, tmp.resolve("card.y4m")))) {
                    a.open(app.base + "/scan?enroll=" + doorA);
                    a.waitUntil("a green answer for the card", Duration.ofSeconds(30),
                            () -> "accepted".equals(a.attr("#result", "data-state")));
                    assertEquals(1, app.count("SELECT count(*) FROM scan_log WHERE source = 2"));
                    a.el("#result").click();
                    a.el("#card-entry-open").click();
                    a.type("#card-entry-number", number);
                    a.el("#card-entry-submit").click();
                    a.waitUntil("the typed number answered as a duplicate", Duration.ofSeconds(20),
                            () -> "duplicate".equals(a.attr("#result", "data-state")));
                    assertEquals(1, app.count("SELECT count(*) FROM scan_log"));
                }

                // tablet B (the same phone, now at the library door): "+1", then the typed number
                b.open(app.base + "/scan?enroll=" + doorB);
                b.waitUntil("the scanner", Duration.ofSeconds(20), () -> b.present("#companions-add")
                        && b.el("#companions-add").isDisplayed());
                b.el("#companions-add").click();
                assertEquals("+1", b.text("#companions-count"));
                b.el("#card-entry-open").click();
                b.type("#card-entry-number", number.replace(" ", ""));
                b.el("#card-entry-submit").click();
                b.waitUntil("a green answer with one companion", Duration.ofSeconds(20),
                        () -> "accepted".equals(b.attr("#result", "data-state")));
                assertTrue(b.text("#result-detail").contains("1"), b.text("#result-detail"));
                assertEquals("0", b.attr("#companions", "data-count"), "the count went with that scan");
                assertEquals(1, app.count("SELECT count(*) FROM scan_log WHERE companions = 1 AND source = 2"));

                // the health official's console shows the companion beside the visit
                b.open(app.base + "/console");
                b.waitFor("#login-form", Duration.ofSeconds(5));
                b.type("#login-username", "kim");
                b.type("#login-password", Officials.PASSWORD);
                b.type("#login-totp", Officials.code(app, "kim"));
                b.el("#login-submit").click();
                b.waitUntil("the trace form", Duration.ofSeconds(10), () -> b.attr("#trace-section", "hidden") == null);
                b.type("#trace-caseref", "CASE-2026-0100");
                b.type("#trace-phone", "010-2222-3333");
                b.el("#trace-submit").click();
                b.waitUntil("trace results", Duration.ofSeconds(10), () -> b.attr("#trace-results", "hidden") == null);
                java.util.List<?> rows = (java.util.List<?>) b.js(
                        "return [...document.querySelectorAll('#trace-visits tbody tr')].map(r => r.textContent)");
                assertEquals(2, rows.size(), rows.toString());
                assertTrue(rows.stream().anyMatch(r -> r.toString().contains("Library") && r.toString().endsWith("+1")),
                        rows.toString());
            }

            String session = Officials.token(app, "kim");
            Instant now = clock.instant();
            TestApp.Response trace = app.post("/api/traces", Officials.trace("01022223333",
                    now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), 30, "CASE-2026-0101"), session);
            assertEquals(200, trace.status(), trace.body());
            JsonNode visits = trace.json().path("visits");
            assertEquals(2, visits.size(), trace.body());
            assertEquals(0, visits.get(0).path("companions").asInt());
            assertEquals("Library", visits.get(1).path("venueName").asText());
            assertEquals(1, visits.get(1).path("companions").asInt(), Json.write(visits));
            LogVerifier.Result r = app.app.db.read(ScanStore::verify);
            assertTrue(r.ok(), r.toString());
        }
    }
}
