package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Sign-in throttling (docs/threat-model.md T30) and the equal answer for unknown users and wrong passwords. */
@Tag("slow")
@BothStores
class LoginThrottleTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;

    @Test
    void tooManyFailuresForOneAccountAre429WithRetryAfterUntilTheWindowPasses() {
        try (TestApp t = TestApp.on(store, dir)) {
            Officials.add(t, "kim");
            for (int i = 0; i < LoginThrottle.PER_ACCOUNT; i++) {
                assertEquals(401, Officials.login(t, "kim", "wrong password " + i).status());
            }
            TestApp.Response limited = Officials.login(t, "kim", Officials.PASSWORD);
            assertEquals(429, limited.status(), "even the right password waits");
            assertEquals("rate_limited", limited.text("error"));
            assertEquals(String.valueOf(LoginThrottle.WINDOW.toSeconds()), limited.header("Retry-After"));
            t.clock.advance(LoginThrottle.WINDOW.minusSeconds(1));
            assertEquals("1", Officials.login(t, "kim", Officials.PASSWORD).header("Retry-After"));
            t.clock.advance(java.time.Duration.ofSeconds(1));
            assertEquals(201, Officials.login(t, "kim", Officials.PASSWORD).status());
            assertEquals(LoginThrottle.PER_ACCOUNT + 3, t.count(
                    "SELECT count(*) FROM audit_log WHERE action = 'POST /api/sessions'"), "each attempt is audited");
            assertEquals(2, t.count("SELECT count(*) FROM audit_log WHERE status = 429"));
        }
    }

    @Test
    void unknownUsernamesAreThrottledLikeKnownOnes() {
        try (TestApp t = TestApp.on(store, dir)) {
            for (int i = 0; i < LoginThrottle.PER_ACCOUNT; i++) {
                assertEquals(401, Officials.login(t, "nobody", "wrong password " + i).status());
            }
            assertEquals(429, Officials.login(t, "nobody", "x").status());
            assertEquals(0, t.count("SELECT count(*) FROM audit_log WHERE official IS NOT NULL"),
                    "an unknown name is not written to the audit log");
        }
    }

    @Test
    void oneAddressSprayingManyUsernamesIsThrottled() {
        try (TestApp t = TestApp.on(store, dir)) {
            for (int i = 0; i < LoginThrottle.PER_ADDRESS; i++) {
                assertEquals(401, Officials.login(t, "user" + i, "wrong password").status());
            }
            TestApp.Response r = Officials.login(t, "another", "wrong password");
            assertEquals(429, r.status());
            assertTrue(Integer.parseInt(r.header("Retry-After")) > 0);
        }
    }

    @Test
    void ratesLimitsOffTurnsLoginThrottlingOff() {
        try (TestApp t = TestApp.on(store, dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            Officials.add(t, "kim");
            for (int i = 0; i < LoginThrottle.PER_ACCOUNT + 5; i++) {
                assertEquals(401, Officials.login(t, "kim", "wrong password " + i).status());
            }
            assertEquals(201, Officials.login(t, "kim", Officials.PASSWORD).status());
        }
    }

    @Test
    void anUnknownUserCostsAboutAsMuchTimeAsAWrongPassword() {
        try (TestApp t = TestApp.on(store, dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            Officials.add(t, "kim");
            for (int i = 0; i < 3; i++) { // warm up
                Officials.login(t, "kim", "wrong password");
                Officials.login(t, "nobody", "wrong password");
            }
            long[] known = new long[9];
            long[] unknown = new long[9];
            for (int i = 0; i < known.length; i++) {
                long a = System.nanoTime();
                Officials.login(t, "kim", "wrong password");
                long b = System.nanoTime();
                Officials.login(t, "nobody", "wrong password");
                long c = System.nanoTime();
                known[i] = b - a;
                unknown[i] = c - b;
            }
            Arrays.sort(known);
            Arrays.sort(unknown);
            double ratio = (double) unknown[4] / known[4];
            System.out.printf("login medians: wrong password %.1f ms, unknown user %.1f ms%n", known[4] / 1e6, unknown[4] / 1e6);
            // both run one Argon2id hash; a skipped hash would make the unknown user several times faster
            assertTrue(ratio > 0.6 && ratio < 1.6, "unknown/known = " + ratio);
        }
    }
}
