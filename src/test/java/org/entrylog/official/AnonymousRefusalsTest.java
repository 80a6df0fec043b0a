package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.common.Json;
import org.entrylog.chain.LogVerifier;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anonymous requests to official endpoints are rate-limited per address and audited one burst at
 * a time (issue 14 item 7, docs/threat-model.md T42): 300 of them used to write 300 audit rows kept
 * for a year.
 */
@Tag("slow")
class AnonymousRefusalsTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;

    private static Map<String, Object> trace() {
        return Officials.trace("01012345678", NOW.minus(Duration.ofDays(1)), NOW, 30, "CASE-2026-0001");
    }

    private long rows(TestApp t) {
        return t.count("SELECT count(*) FROM audit_log");
    }

    @Test
    void threeHundredAnonymousTracesAreLimitedAndAuditedAsOneCountedBurst() {
        try (TestApp t = new TestApp(dir, MutableClock.at(NOW.toString()), Map.of())) {
            Visitor v = t.register("A", "01012345678");
            String historyBefore = t.get("/api/visitors/" + v.id() + "/history", v.secret()).body();
            int unauthorized = 0;
            int limited = 0;
            for (int i = 0; i < 300; i++) {
                Response r = t.post("/api/traces", trace(), i % 2 == 0 ? null : "made-up-session-" + i);
                if (r.status() == 401) {
                    unauthorized++;
                } else {
                    assertEquals(429, r.status(), r.body());
                    assertEquals("rate_limited", r.text("error"));
                    assertNotNull(r.header("Retry-After"));
                    limited++;
                }
            }
            assertEquals(30, unauthorized, "ENTRYLOG_RATE_LIMIT_OFFICIAL_ANONYMOUS defaults to 30 per 10 minutes");
            assertEquals(270, limited);
            assertEquals(1, rows(t), "only the first refusal is written at once");

            // the window closes: the rest is written as one entry with its count, through the chain
            t.clock.advance(AnonymousRefusals.WINDOW);
            t.app.anonymousRefusals.closeDue();
            assertEquals(2, rows(t));
            String query = lastQuery(t);
            JsonNode burst = readTree(query);
            assertEquals(299, burst.path("repeated").asInt(), query);
            assertEquals(299, burst.path("actions").path("POST /api/traces").asInt(), query);
            assertEquals(29, burst.path("statuses").path("401").asInt(), query);
            assertEquals(270, burst.path("statuses").path("429").asInt(), query);
            assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE official IS NULL AND status = 429"
                    + " AND error = 'rate_limited' AND visitor_ids = '[]' AND action = 'POST /api/traces'"));
            assertEquals(historyBefore, t.get("/api/visitors/" + v.id() + "/history", v.secret()).body(),
                    "no visitor's history changes");
            LogVerifier.Result verified = t.app.db.read(org.entrylog.audit.AuditLog::verify);
            assertTrue(verified.ok(), verified.problem());
        }
    }

    @Test
    void theNextRefusalAfterTheWindowWritesTheCountAndStartsANewBurst() {
        try (TestApp t = new TestApp(dir, MutableClock.at(NOW.toString()), Map.of(
                "ENTRYLOG_RATE_LIMIT_OFFICIAL_ANONYMOUS", "5/1m"))) {
            for (int i = 0; i < 8; i++) {
                t.post("/api/traces", trace(), null);
            }
            assertEquals(1, rows(t));
            t.clock.advance(AnonymousRefusals.WINDOW.plusSeconds(1));
            assertEquals(401, t.post("/api/traces", trace(), null).status(), "the limit has refilled");
            assertEquals(3, rows(t), "the count of the last burst, then the first of the new one");
            assertEquals(7, t.count("SELECT json_extract(query, '$.repeated') FROM audit_log WHERE seq = 2"));
            assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE seq = 3 AND query = '{}'"));
        }
    }

    @Test
    void openBurstsAreWrittenAtShutdownSoNoRefusalGoesUnrecorded() {
        TestApp t = new TestApp(dir, MutableClock.at(NOW.toString()), Map.of());
        for (int i = 0; i < 5; i++) {
            t.get("/api/venues/AAAAAAAAAAAAAAAAAAAAAA/visits", null);
        }
        t.close();
        try (TestApp again = new TestApp(dir, MutableClock.at(NOW.toString()), Map.of())) {
            assertEquals(2, rows(again));
            assertEquals(4, again.count("SELECT json_extract(query, '$.repeated') FROM audit_log WHERE seq = 2"));
        }
    }

    @Test
    void aSignedInOfficialIsNotHeldBackByAnonymousRefusalsFromTheSameAddress() {
        try (TestApp t = new TestApp(dir, MutableClock.at(NOW.toString()), Map.of(
                "ENTRYLOG_RATE_LIMIT_OFFICIAL_ANONYMOUS", "2/1h"))) {
            Officials.add(t, "kim");
            String token = Officials.token(t, "kim");
            for (int i = 0; i < 5; i++) {
                t.post("/api/traces", trace(), null);
            }
            assertEquals(429, t.post("/api/traces", trace(), null).status());
            assertEquals(200, t.post("/api/traces", trace(), token).status());
        }
    }

    private static String lastQuery(TestApp t) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + t.dataDir.resolve("entrylog.db"));
             java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT query FROM audit_log ORDER BY seq DESC LIMIT 1")) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode readTree(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
