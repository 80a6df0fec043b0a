package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.entrylog.common.ApiException;
import org.entrylog.config.RateLimit;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rate limits count an IPv6 client by its /64 and survive a flood of distinct keys (issue 14
 * item 9, docs/threat-model.md T31).
 */
class RateLimitKeysTest {
    private static final String BODY = "{\"name\":\"A\",\"phone\":\"01011112222\"}";

    @TempDir
    Path dir;

    private static Response register(TestApp t, String client) {
        return t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                .header("X-Forwarded-For", client).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)), null);
    }

    @Test
    void anIpv6ClientCannotEscapeItsLimitByMovingThroughItsSlash64() {
        try (TestApp t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of(
                "ENTRYLOG_RATE_LIMIT_REGISTRATION", "3/1h", "ENTRYLOG_TRUSTED_PROXIES", "127.0.0.1,0:0:0:0:0:0:0:1"))) {
            for (int i = 1; i <= 3; i++) {
                assertEquals(201, register(t, "2001:db8:1:2::" + Integer.toHexString(i)).status());
            }
            Response r = register(t, "2001:db8:1:2:ffff:ffff:ffff:ffff");
            assertEquals(429, r.status(), "another address of the same /64 shares its allowance");
            assertEquals("rate_limited", r.text("error"));
            assertEquals(429, register(t, "[2001:0db8:0001:0002:0000:0000:0000:0009]").status(), "however written");
            assertEquals(201, register(t, "2001:db8:1:3::1").status(), "the next /64 is another subscriber");
        }
    }

    @Test
    void anIpv4MappedAddressCountsAsItsIpv4Address() {
        try (TestApp t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of(
                "ENTRYLOG_RATE_LIMIT_REGISTRATION", "2/1h", "ENTRYLOG_TRUSTED_PROXIES", "127.0.0.1,0:0:0:0:0:0:0:1"))) {
            assertEquals(201, register(t, "198.51.100.7").status());
            assertEquals(201, register(t, "::ffff:198.51.100.7").status());
            assertEquals(429, register(t, "::ffff:c633:6407").status());
            assertEquals(201, register(t, "198.51.100.8").status(), "IPv4 counts each address");
        }
    }

    @Test
    void keysAreIpv4InFullIpv6ByItsSlash64AndTextAsGiven() {
        assertEquals("192.0.2.7", ClientAddress.key("192.0.2.7"));
        assertEquals("192.0.2.7", ClientAddress.key("::ffff:192.0.2.7"));
        assertEquals("2001:db8:0:1::/64", ClientAddress.key("2001:db8:0:1:aaaa:bbbb:cccc:dddd"));
        assertEquals("2001:db8:0:1::/64", ClientAddress.key("[2001:db8::1:0:0:0:1]"));
        assertEquals("2001:db8:0:1::/64", ClientAddress.key("fe80::1%eth0".replace("fe80::1", "2001:db8:0:1::1")));
        assertEquals("unknown", ClientAddress.key("unknown"));
        assertEquals("example.org", ClientAddress.key("example.org"), "a host name is never looked up");
    }

    /**
     * The limiter used to clear every bucket at 200,000 keys, so a flood of distinct keys gave
     * every held-back client its allowance back. 300,000 fresh keys now leave it held back, and
     * memory stays bounded.
     */
    @Test
    void aFloodOfDistinctKeysNeitherResetsAHeldBackClientNorGrowsWithoutBound() {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        RateLimiter limiter = new RateLimiter(RateLimit.parse("registration", "20/2m"), clock, true);
        for (int i = 0; i < 20; i++) {
            limiter.acquire("203.0.113.9");
        }
        assertThrows(ApiException.class, () -> limiter.acquire("203.0.113.9"));
        for (int i = 0; i < 300_000; i++) {
            limiter.acquire("flood-" + i);
            if (i % 50_000 == 0) {
                clock.advance(Duration.ofMillis(1));
            }
        }
        assertTrue(limiter.size() <= RateLimiter.MAX_KEYS, "bounded: " + limiter.size());
        ApiException e = assertThrows(ApiException.class, () -> limiter.acquire("203.0.113.9"),
                "the held-back client is still held back after 300,000 other keys");
        assertEquals("rate_limited", e.code());
    }

    @Test
    void anIdleKeyThatHasRefilledIsForgotten() {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        RateLimiter limiter = new RateLimiter(RateLimit.parse("registration", "2/1m"), clock, true);
        limiter.acquire("a");
        limiter.acquire("b");
        assertEquals(2, limiter.size());
        clock.advance(Duration.ofMinutes(1));
        limiter.acquire("c");
        assertEquals(1, limiter.size(), "a and b had refilled completely: nothing is lost by dropping them");
    }
}
