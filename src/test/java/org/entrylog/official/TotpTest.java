package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 6238 codes against the RFC's own test vectors (appendix B, SHA-1), the window, and the URI. */
class TotpTest {
    private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theRfc6238Sha1TestVectors() {
        long[] times = {59L, 1111111109L, 1111111111L, 1234567890L, 2000000000L, 20000000000L};
        String[] codes = {"94287082", "07081804", "14050471", "89005924", "69279037", "65353130"};
        for (int i = 0; i < times.length; i++) {
            assertEquals(codes[i], Totp.code(RFC_SECRET, Totp.step(times[i] * 1000), 8), "T = " + times[i]);
            // six digits are the last six of the eight (the same truncated number, mod 10^6)
            assertEquals(codes[i].substring(2), Totp.code(RFC_SECRET, Totp.step(times[i] * 1000)));
        }
    }

    @Test
    void aCodeMatchesInItsStepOrOneEitherSideAndOnlyAfterTheLastUsedStep() {
        long now = 1111111111_000L;
        long step = Totp.step(now);
        assertEquals(step, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now, -1));
        assertEquals(step - 1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now, -1));
        assertEquals(step + 1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 2), now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 2), now, -1));
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now, step), "used once");
        assertEquals(-1, Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now, step), "older than used");
        String spaced = Totp.code(RFC_SECRET, step).substring(0, 3) + " " + Totp.code(RFC_SECRET, step).substring(3);
        assertEquals(step, Totp.matchingStep(RFC_SECRET, spaced, now, -1), "as apps show it");
        for (String bad : new String[] {null, "", "12345", "1234567", "abcdef", "-12345"}) {
            assertEquals(-1, Totp.matchingStep(RFC_SECRET, bad, now, -1), String.valueOf(bad));
        }
    }

    @Test
    void theUriCarriesTheSecretInBase32AndTheFixedParameters() {
        String uri = Totp.uri("inspector.park", RFC_SECRET);
        assertEquals("otpauth://totp/entrylog:inspector.park?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                + "&issuer=entrylog&algorithm=SHA1&digits=6&period=30", uri);
        assertArrayEquals(RFC_SECRET, Totp.secretOf(uri));
        assertTrue(Totp.base32(new byte[20]).matches("[A-Z2-7]{32}"));
    }
}
