package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `keys rotate` and `device revoke` run beside a live server and take effect at its next request. */
class OperatorCommandsTest {
    @TempDir
    Path dir;

    private JsonNode run(int expectedExit, String... args) {
        Cli.Run r = Cli.run(args);
        assertEquals(expectedExit, r.exit(), r.out());
        return r.json();
    }

    @Test
    void keysRotateTakesEffectAtTheNextRequestAndOldPassesStayValid() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            String before = t.pass(v);
            String oldKid = t.get("/api/keys", null).json().path("keys").get(0).path("kid").asText();
            Thread.sleep(20); // a distinct file modification time
            JsonNode rotated = run(0, "keys", "rotate", "--data", dir.toString());
            assertEquals(oldKid, rotated.path("previousKid").asText());
            var keys = t.get("/api/keys", null).json().path("keys");
            assertEquals(2, keys.size());
            String after = t.pass(v);
            assertNotEquals(before.substring(1, 9), after.substring(1, 9), "new passes carry the new kid");
            assertEquals(201, t.scan(d, before).status(), "a pass of the old key is valid until it expires");
            assertEquals(201, t.scan(d, after).status());
        }
    }

    @Test
    void deviceRevokeTakesEffectAtTheNextRequest() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            assertEquals(201, t.scan(d, t.pass(v)).status());
            JsonNode r = run(0, "device", "revoke", "--data", dir.toString(), "--device", d.id());
            assertEquals(true, r.path("revoked").asBoolean());
            assertEquals(401, t.scan(d, t.pass(v)).status());
            run(1, "device", "revoke", "--data", dir.toString(), "--device", d.id());
        }
    }
}
