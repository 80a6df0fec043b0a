package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Argon2id hashing of official passwords. */
@Tag("slow")
class PasswordsTest {
    private final Passwords passwords = new Passwords();

    @Test
    void theRightPasswordMatchesAndNothingElseDoes() {
        String h = passwords.hash("correct horse battery staple");
        assertTrue(passwords.verify("correct horse battery staple", h));
        assertFalse(passwords.verify("correct horse battery stapl", h));
        assertFalse(passwords.verify("", h));
        assertFalse(passwords.verify(null, h));
        assertFalse(passwords.verify("correct horse battery staple", null), "unknown user never matches");
        assertNotEquals(h, passwords.hash("correct horse battery staple"), "salted");
    }

    @Test
    void oneHashStaysWithinTheSignInBudget() {
        String h = passwords.hash("correct horse battery staple");
        passwords.verify("warm up", h);
        int n = 5;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            passwords.verify("correct horse battery staple", h);
        }
        double ms = (System.nanoTime() - start) / 1e6 / n;
        System.out.printf("Argon2id m=%d KiB t=%d p=%d: %.1f ms per hash%n", Passwords.MEMORY_KIB, Passwords.ITERATIONS,
                Passwords.PARALLELISM, ms);
        // a loose upper bound only: the figure is reported above; CI machines are shared
        assertTrue(ms < 2000, ms + " ms");
    }
}
