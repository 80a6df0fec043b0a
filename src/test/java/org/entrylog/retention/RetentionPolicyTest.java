package org.entrylog.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The retention cut-off as a pure rule: no database, no server. */
class RetentionPolicyTest {
    private final RetentionPolicy policy = RetentionPolicy.ofDays(28);
    private final Instant asOf = Instant.parse("2026-03-29T01:30:00.123456Z");

    @Test
    void theCutoffIsTwentyEightTimesEightySixThousandFourHundredSecondsToTheMillisecond() {
        Instant cutoff = policy.cutoff(asOf);
        assertEquals(Instant.parse("2026-03-01T01:30:00.123Z"), cutoff, "no calendar or daylight-saving day enters");
        assertEquals(Duration.ofSeconds(28L * 86_400), Duration.between(cutoff, asOf.truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS)));
    }

    @Test
    void anEntryExactlyAtTheCutoffIsKeptAndOneMillisecondOlderIsNot() {
        Instant cutoff = policy.cutoff(asOf);
        assertFalse(policy.expired(cutoff, asOf));
        assertTrue(policy.expired(cutoff.minusMillis(1), asOf));
    }

    @Test
    void aRetentionPeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Duration.ofDays(-1)));
    }
}
