package org.entrylog.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.entrylog.official.Officials;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code venue add --capacity} (its links and its door kit, whose QRs decode to them) and {@code owner add}
 * on a real data folder, then the owner signs in over HTTP.
 */
class OwnerCommandTest {
    @TempDir
    Path dir;

    @Test
    void ownerAddMakesAnAccountThatSignsInWithTotpAndSeesItsVenue() throws Exception {
        Cli.Run venue = Cli.run("venue", "add", "--data", dir.toString(), "--name", "Cafe", "--capacity", "40",
                "--default-stay-minutes", "90", "--port", "8123");
        assertEquals(0, venue.exit(), venue.out());
        String venueId = venue.json().path("venueId").asText();
        assertTrue(venue.json().path("enrollmentUrl").asText().startsWith("http://localhost:8123/scan?enroll="));
        assertEquals("http://localhost:8123/venue", venue.json().path("ownerUrl").asText());
        // the printable door kit: written owner-only into the data folder, its two QRs made by the server
        Path kit = Path.of(venue.json().path("doorKit").asText());
        assertEquals(dir.resolve("kits").resolve(venueId + ".html"), kit);
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"),
                java.nio.file.Files.getPosixFilePermissions(kit));
        String html = java.nio.file.Files.readString(kit);
        assertEquals(venue.json().path("enrollmentUrl").asText(),
                org.entrylog.testing.QrImages.decodeImgById(html, "enrollment-qr"));
        assertEquals("http://localhost:8123/pass", org.entrylog.testing.QrImages.decodeImgById(html, "pass-qr"));
        assertTrue(html.contains("Register once, show your pass here") && html.contains("한 번 등록하고"), html);
        assertTrue(html.contains("@page { size: A4"));

        Cli.Run unknown = Cli.withInput("a long enough password\n", "owner", "add", "--data", dir.toString(),
                "--username", "cafe.owner", "--venue", "AAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(2, unknown.exit(), unknown.out());
        Cli.Run shortPw = Cli.withInput("short\n", "owner", "add", "--data", dir.toString(),
                "--username", "cafe.owner", "--venue", venueId);
        assertEquals(2, shortPw.exit(), shortPw.out());

        Cli.Run owner = Cli.withInput(Officials.PASSWORD + "\n", "owner", "add", "--data", dir.toString(),
                "--username", "Cafe.Owner", "--venue", venueId);
        assertEquals(0, owner.exit(), owner.out());
        assertEquals("cafe.owner", owner.json().path("username").asText());
        String uri = owner.json().path("totpUri").asText();
        assertTrue(uri.startsWith("otpauth://totp/entrylog:cafe.owner?secret="), uri);
        Cli.Run twice = Cli.withInput(Officials.PASSWORD + "\n", "owner", "add", "--data", dir.toString(),
                "--username", "cafe.owner", "--venue", venueId);
        assertEquals(2, twice.exit(), twice.out());

        try (TestApp t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), java.util.Map.of())) {
            Officials.remember(dir, "cafe.owner", uri);
            String token = Owners.token(t, "cafe.owner");
            var v = t.get("/api/owner/venues", token).json().path("venues").get(0);
            assertEquals(venueId, v.path("venueId").asText());
            assertEquals(40, v.path("capacity").asInt());
            assertEquals(0, v.path("inside").asInt());
        }
    }
}
