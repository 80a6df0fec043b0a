package org.entrylog.transparency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.official.Officials;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/api/transparency` publishes aggregates only, with small numbers suppressed at the boundary. */
class TransparencyTest {
    @TempDir
    Path dir;

    @Test
    void countsBelowFiveAreSuppressedAndFiveIsShown() {
        assertEquals(0L, TransparencyController.count(0));
        assertEquals("<5", TransparencyController.count(1));
        assertEquals("<5", TransparencyController.count(4));
        assertEquals(5L, TransparencyController.count(5));
    }

    @Test
    void theFiguresHoldNoIdOfAnyVisitorVenueDeviceOrOfficial() {
        try (TestApp t = new TestApp(dir)) {
            List<String> ids = new ArrayList<>();
            List<Visitor> visitors = new ArrayList<>();
            Device d = t.venueWithDevice("Secret Garden Cafe");
            ids.add(d.id());
            ids.add(d.venueId());
            ids.add("Secret Garden");
            for (int i = 0; i < 6; i++) {
                Visitor v = t.register("V" + i, "0101111222" + i);
                visitors.add(v);
                ids.add(v.id());
                Officials.scanAt(t, d, v, Instant.parse("2026-03-02T09:00:00Z").plusSeconds(60L * i), "in");
            }
            Officials.add(t, "inspector.kim");
            ids.add("inspector.kim");
            String token = Officials.token(t, "inspector.kim");
            TestApp.Response trace = t.post("/api/traces", Officials.trace("01011112220",
                    Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-03T00:00:00Z"), 30, "CASE-2026-001"), token);
            assertEquals(200, trace.status(), trace.body());
            JsonNode f = t.get("/api/transparency", null).json();
            assertEquals(6, f.path("entriesHeld").asLong());
            assertEquals("2026-03-02T09:00:00Z", f.path("oldestEntry").asText());
            assertEquals(28, f.path("retentionDays").asInt());
            assertEquals("<5", f.path("officialsActive").asText());
            assertEquals("<5", f.path("devicesActive").asText());
            JsonNode month = f.path("queriesPerMonth").get(0);
            assertEquals("2026-03", month.path("month").asText());
            assertEquals("<5", month.path("queries").asText());
            assertEquals(6, month.path("recordsReturned").asLong(), "the case and five contacts");
            String text = f.toString();
            for (String id : ids) {
                assertFalse(text.contains(id), "the figures hold " + id);
            }
            assertFalse(text.contains("CASE-2026"));
            assertTrue(t.get("/api/transparency", null).header("Content-Type").startsWith("application/json"));
        }
    }
}
