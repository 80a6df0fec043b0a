package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code official add} and {@code official disable} from the command line. */
class OfficialCommandTest {
    @TempDir
    Path dir;

    @Test
    void addReadsThePasswordFromStandardInputAndStoresOnlyAnArgon2idHash() throws Exception {
        var r = ExportRoundTripTest.run("a long enough password\nignored second line\n",
                "official", "add", "--data", dir.toString(), "--username", "Kim.Health");
        assertEquals(0, r.exit(), r.out());
        assertEquals("kim.health", json(r.out()).path("username").asText());
        String uri = json(r.out()).path("totpUri").asText();
        assertTrue(uri.matches("otpauth://totp/entrylog:kim\\.health\\?secret=[A-Z2-7]{32}"
                + "&issuer=entrylog&algorithm=SHA1&digits=6&period=30"), uri);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT password_hash FROM official")) {
            assertTrue(rs.next());
            String hash = rs.getString(1);
            assertTrue(hash.startsWith("$argon2id$v=19$m=32768,t=3,p=1$"), hash);
            assertFalse(hash.contains("a long enough password"));
        }
        var twice = ExportRoundTripTest.run("another long password\n", "official", "add", "--data", dir.toString(),
                "--username", "kim.health");
        assertEquals(2, twice.exit());
        assertTrue(twice.out().contains("already exists"), twice.out());
    }

    @Test
    void addWritesTheTotpUriAsAQrPngAndTotpResetReplacesTheSecret() throws Exception {
        Path png = dir.resolve("kim-totp.png");
        var r = ExportRoundTripTest.run("a long enough password\n", "official", "add", "--data", dir.toString(),
                "--username", "kim", "--qr", png.toString());
        assertEquals(0, r.exit(), r.out());
        String uri = json(r.out()).path("totpUri").asText();
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        int[] rgb = img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        var bitmap = new com.google.zxing.BinaryBitmap(new com.google.zxing.common.HybridBinarizer(
                new com.google.zxing.RGBLuminanceSource(img.getWidth(), img.getHeight(), rgb)));
        assertEquals(uri, new com.google.zxing.qrcode.QRCodeReader().decode(bitmap).getText());

        var reset = ExportRoundTripTest.run("", "official", "totp-reset", "--data", dir.toString(), "--username", "kim");
        assertEquals(0, reset.exit(), reset.out());
        assertFalse(uri.equals(json(reset.out()).path("totpUri").asText()), "a new secret");
        var unknown = ExportRoundTripTest.run("", "official", "totp-reset", "--data", dir.toString(), "--username", "lee");
        assertEquals(2, unknown.exit());
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String out) throws Exception {
        return org.entrylog.common.Json.MAPPER.readTree(out);
    }

    @Test
    void shortPasswordsAndOddUsernamesAreRefused() {
        var shortPw = ExportRoundTripTest.run("elevenchars\n", "official", "add", "--data", dir.toString(),
                "--username", "kim");
        assertEquals(2, shortPw.exit());
        assertTrue(shortPw.out().contains("at least 12"), shortPw.out());
        var noInput = ExportRoundTripTest.run("", "official", "add", "--data", dir.toString(), "--username", "kim");
        assertEquals(2, noInput.exit());
        var badName = ExportRoundTripTest.run("a long enough password\n", "official", "add", "--data", dir.toString(),
                "--username", "kim; drop table official");
        assertEquals(2, badName.exit());
    }

    @Test
    void disableEndsTheAccountAndSaysSo() {
        ExportRoundTripTest.run("a long enough password\n", "official", "add", "--data", dir.toString(), "--username", "kim");
        var r = ExportRoundTripTest.run("", "official", "disable", "--data", dir.toString(), "--username", "kim");
        assertEquals(0, r.exit(), r.out());
        assertEquals("{\"username\":\"kim\",\"disabled\":true,\"sessionsEnded\":0}", r.out().strip());
        var unknown = ExportRoundTripTest.run("", "official", "disable", "--data", dir.toString(), "--username", "lee");
        assertEquals(2, unknown.exit());
    }
}
