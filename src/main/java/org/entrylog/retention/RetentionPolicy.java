package org.entrylog.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * How long entries are held: a named {@link Duration}, and the cut-off it gives for a purge run as
 * of some instant. Computed on {@link Instant}s only, so no time zone, daylight-saving change or
 * calendar enters into it (docs/threat-model.md T34): 28 days are always 28 × 86,400 s.
 *
 * <p>An entry is <em>older than the cut-off</em> when its time is strictly less than it: an entry
 * exactly at the cut-off is kept.
 */
public record RetentionPolicy(Duration retention) {

    public RetentionPolicy {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the retention period must be positive");
        }
    }

    public static RetentionPolicy ofDays(int days) {
        return new RetentionPolicy(Duration.ofDays(days));
    }

    /**
     * {@code asOf − retention}, to the millisecond the database stores. {@code asOf} is truncated to
     * milliseconds first, so the cut-off is never finer than the stored times.
     */
    public Instant cutoff(Instant asOf) {
        return asOf.truncatedTo(ChronoUnit.MILLIS).minus(retention);
    }

    /** Whether an entry at {@code at} is due for deletion in a purge as of {@code asOf}. */
    public boolean expired(Instant at, Instant asOf) {
        return at.isBefore(cutoff(asOf));
    }
}
