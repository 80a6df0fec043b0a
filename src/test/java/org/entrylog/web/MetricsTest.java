package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/metrics` speaks Prometheus and holds no id, name or token. */
class MetricsTest {
    @TempDir
    Path dir;

    @Test
    void metricsCountScansByOutcomeAndTimeRequestsByRouteTemplate() {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("Zebulon", "01024681357");
            Device d = t.venueWithDevice("Cafe");
            String token = t.pass(v);
            t.scan(d, token);
            t.scan(d, token);
            t.scan(d, "hello");
            Response m = t.get("/metrics", null);
            assertEquals(200, m.status());
            String body = m.body();
            assertTrue(body.contains("entrylog_scans_total{outcome=\"accepted\",reason=\"\"} 1.0"), body);
            assertTrue(body.contains("entrylog_scans_total{outcome=\"duplicate\",reason=\"\"} 1.0"), body);
            assertTrue(body.contains("entrylog_scans_total{outcome=\"refused\",reason=\"token_malformed\"} 1.0"), body);
            assertTrue(body.contains("entrylog_passes_issued_total 1.0"), body);
            assertTrue(body.contains("route=\"/api/visitors/{visitorId}/passes\""), body);
            assertTrue(body.contains("entrylog_database_size_bytes"), body);
            assertTrue(body.contains("entrylog_oldest_entry_age_seconds 0.0"), body);
            for (String secret : new String[] {v.id(), v.secret(), d.id(), d.secret(), token, "Zebulon", "2468"}) {
                assertFalse(body.contains(secret), "metrics hold " + secret);
            }
        }
    }
}
