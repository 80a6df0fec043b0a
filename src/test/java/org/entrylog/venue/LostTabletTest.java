package org.entrylog.venue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost or stolen tablet can be shut out for good (issue 14, item 2): `device list` finds it by
 * its label and last sighting, `device revoke` refuses it, and `venue rotate-code` stops the
 * venue's old code from enrolling it again — at once, over real HTTP on a running server, while the
 * venue's other tablets keep scanning.
 */
class LostTabletTest {
    @TempDir
    Path dir;

    private static JsonNode run(int expectedExit, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(expectedExit, r.exit(), r.out());
        return r.json();
    }

    private static JsonNode listed(JsonNode list, String deviceId) {
        for (JsonNode d : list.path("devices")) {
            if (d.path("deviceId").asText().equals(deviceId)) {
                return d;
            }
        }
        throw new AssertionError(deviceId + " not in " + list);
    }

    @Test
    void aRevokedTabletCannotReEnrollAfterTheCodeIsRotatedWhileEarlierTabletsKeepScanning() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            JsonNode venue = run(0, "venue", "add", "--data", dir.toString(), "--name", "Cafe");
            String venueId = venue.path("venueId").asText();
            String oldCode = venue.path("enrollmentCode").asText();
            assertEquals(t.base + "/scan?enroll=" + oldCode, venue.path("enrollmentUrl").asText(),
                    "the link names the running server's real port");

            var lost = t.post("/api/devices", Map.of("enrollmentCode", oldCode, "label", "Front door"), null);
            assertEquals(201, lost.status(), lost.body());
            assertEquals("Front door", lost.text("label"));
            Device stolen = new Device(lost.text("deviceId"), lost.text("secret"), venueId);
            Device kept = t.enroll(oldCode);

            run(0, "device", "revoke", "--data", dir.toString(), "--device", stolen.id());
            assertEquals(401, t.scan(stolen, t.pass(v)).status());
            // the attack of issue 14: whoever holds the venue's code enrolls again
            assertEquals(201, t.post("/api/devices", Map.of("enrollmentCode", oldCode), null).status());

            JsonNode rotated = run(0, "venue", "rotate-code", "--data", dir.toString(), "--venue", venueId);
            String newCode = rotated.path("enrollmentCode").asText();
            assertFalse(newCode.equals(oldCode));
            assertEquals(t.base + "/scan?enroll=" + newCode, rotated.path("enrollmentUrl").asText());
            // the door kit printed from now on carries the new code
            String kit = java.nio.file.Files.readString(Path.of(rotated.path("doorKit").asText()));
            assertEquals(rotated.path("enrollmentUrl").asText(),
                    org.entrylog.testing.QrImages.decodeImgById(kit, "enrollment-qr"));

            var refused = t.post("/api/devices", Map.of("enrollmentCode", oldCode), null);
            assertEquals(401, refused.status(), "the old code is refused like any wrong code");
            assertEquals("unauthorized", refused.text("error"));
            assertEquals(201, t.post("/api/devices", Map.of("enrollmentCode", newCode), null).status());
            assertEquals(201, t.scan(kept, t.pass(v)).status(), "a tablet enrolled before the rotation still scans");

            t.app.db.transaction(c -> { // the area its owner gives a tablet on /venue
                try (var ps = c.prepareStatement("UPDATE device SET area = 'terrace' WHERE public_id = ?")) {
                    ps.setBytes(1, org.entrylog.common.Ids.decode(stolen.id(), 16));
                    return ps.executeUpdate();
                }
            });
            JsonNode list = run(0, "device", "list", "--data", dir.toString(), "--venue", venueId);
            assertEquals(4, list.path("devices").size());
            JsonNode s = listed(list, stolen.id());
            assertEquals("Front door", s.path("label").asText());
            assertEquals("terrace", s.path("area").asText());
            assertTrue(s.path("revoked").asBoolean());
            assertEquals(venueId, s.path("venueId").asText());
            assertEquals("2026-03-02T09:00:00Z", s.path("enrolledAt").asText());
            JsonNode k = listed(list, kept.id());
            assertEquals("Tablet 2", k.path("label").asText(), "unnamed tablets are numbered per venue");
            assertFalse(k.path("revoked").asBoolean());
            assertEquals("2026-03-02T09:00:00Z", k.path("lastSeenAt").asText());
            List<String> fields = new ArrayList<>();
            k.fieldNames().forEachRemaining(fields::add);
            assertTrue(k.path("area").isNull(), "no area given");
            assertEquals(List.of("deviceId", "venueId", "label", "area", "enrolledAt", "lastSeenAt", "revoked"), fields);
        }
    }

    @Test
    void lastSeenAtMovesAtMostOnceAMinute() {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            String[] list = {"device", "list", "--data", dir.toString()};
            assertEquals("2026-03-02T09:00:00Z", listed(run(0, list), d.id()).path("lastSeenAt").asText(),
                    "enrollment is the first sighting");
            t.clock.advance(Duration.ofSeconds(10));
            assertEquals(201, t.scan(d, t.pass(v)).status());
            assertEquals("2026-03-02T09:00:10Z", listed(run(0, list), d.id()).path("lastSeenAt").asText());
            t.clock.advance(Duration.ofSeconds(59));
            assertEquals(201, t.scan(d, t.pass(v)).status());
            assertEquals("2026-03-02T09:00:10Z", listed(run(0, list), d.id()).path("lastSeenAt").asText(),
                    "59 s after the last write: not written again");
            t.clock.advance(Duration.ofSeconds(1));
            assertEquals(201, t.scan(d, t.pass(v)).status());
            assertEquals("2026-03-02T09:01:10Z", listed(run(0, list), d.id()).path("lastSeenAt").asText(),
                    "a minute after the last write: written");
        }
    }

    @Test
    void commandsWithoutARunningServerLinkToThePublicUrlOrTheConfiguredPort() throws Exception {
        JsonNode plain = run(0, "venue", "add", "--data", dir.toString(), "--name", "Cafe");
        assertTrue(plain.path("enrollmentUrl").asText().startsWith("http://localhost:7070/scan?enroll="), plain.toString());
        Files.writeString(dir.resolve("entrylog.properties"), "ENTRYLOG_PUBLIC_URL=https://door.example.org/\n");
        JsonNode rotated = run(0, "venue", "rotate-code", "--data", dir.toString(), "--venue",
                plain.path("venueId").asText());
        assertEquals("https://door.example.org/scan?enroll=" + rotated.path("enrollmentCode").asText(),
                rotated.path("enrollmentUrl").asText());
        run(2, "venue", "rotate-code", "--data", dir.toString(), "--venue", "AAAAAAAAAAAAAAAAAAAAAA");
        run(2, "device", "list", "--data", dir.toString(), "--venue", "AAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(0, run(0, "device", "list", "--data", dir.toString()).path("devices").size());
    }
}
