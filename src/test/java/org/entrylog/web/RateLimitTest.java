package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Floods get 429 with Retry-After, per key, so other visitors and tablets are unaffected (docs/threat-model.md T31). */
class RateLimitTest {
    @TempDir
    Path dir;

    private TestApp app(Map<String, String> env) {
        return new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), env);
    }

    @Test
    void passRequestsArePerVisitorAndRefillOverTime() {
        try (TestApp t = app(Map.of())) {
            Visitor flood = t.register("A", "01011112222");
            Visitor calm = t.register("B", "01033334444");
            Response last = null;
            for (int i = 0; i < 11; i++) {
                last = t.post("/api/visitors/" + flood.id() + "/passes", "", flood.secret());
            }
            assertEquals(429, last.status());
            assertEquals("rate_limited", last.text("error"));
            assertEquals("2", last.header("Retry-After"));
            assertEquals(201, t.post("/api/visitors/" + calm.id() + "/passes", "", calm.secret()).status(),
                    "another visitor is unaffected");
            t.clock.advance(Duration.ofSeconds(2));
            assertEquals(201, t.post("/api/visitors/" + flood.id() + "/passes", "", flood.secret()).status());
        }
    }

    @Test
    void scansArePerDeviceSoOneTabletCannotStarveAVenue() {
        try (TestApp t = app(Map.of("ENTRYLOG_RATE_LIMIT_SCAN", "3/1m"))) {
            Device noisy = t.venueWithDevice("A");
            Device door = t.venueWithDevice("B");
            for (int i = 0; i < 3; i++) {
                assertNotEquals(429, t.post("/api/scans", Map.of("token", "x"), noisy.secret()).status());
            }
            Response r = t.post("/api/scans", Map.of("token", "x"), noisy.secret());
            assertEquals(429, r.status());
            assertEquals("20", r.header("Retry-After"));
            assertEquals(400, t.post("/api/scans", Map.of("token", "x"), door.secret()).status());
        }
    }

    @Test
    void registrationAndEnrollmentArePerClientAddressAndForwardedForIsNotTrustedByDefault() {
        try (TestApp t = app(Map.of("ENTRYLOG_RATE_LIMIT_REGISTRATION", "2/1h", "ENTRYLOG_RATE_LIMIT_ENROLLMENT", "1/1h"))) {
            String body = "{\"name\":\"A\",\"phone\":\"01011112222\"}";
            for (int i = 0; i < 2; i++) {
                assertEquals(201, t.post("/api/visitors", body, null).status());
            }
            Response spoofed = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                    .header("X-Forwarded-For", "203.0.113." + 7).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), null);
            assertEquals(429, spoofed.status(), "a client cannot choose its own address");
            assertEquals(401, t.post("/api/devices", Map.of("enrollmentCode", "guess1"), null).status());
            assertEquals(429, t.post("/api/devices", Map.of("enrollmentCode", "guess2"), null).status());
        }
    }

    @Test
    void aTrustedProxysForwardedForIsUsed() {
        try (TestApp t = app(Map.of("ENTRYLOG_RATE_LIMIT_REGISTRATION", "1/1h",
                "ENTRYLOG_TRUSTED_PROXIES", "127.0.0.1,0:0:0:0:0:0:0:1"))) {
            String body = "{\"name\":\"A\",\"phone\":\"01011112222\"}";
            for (String client : new String[] {"198.51.100.1", "198.51.100.2"}) {
                Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                        .header("X-Forwarded-For", "10.0.0.9, " + client).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)), null);
                assertEquals(201, r.status(), "each client behind the proxy has its own allowance");
            }
        }
    }

    @Test
    void rateLimitsOffTurnsThemAllOff() {
        try (TestApp t = app(Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            Visitor v = t.register("A", "01011112222");
            for (int i = 0; i < 30; i++) {
                assertEquals(201, t.post("/api/visitors/" + v.id() + "/passes", "", v.secret()).status());
            }
        }
    }
}
