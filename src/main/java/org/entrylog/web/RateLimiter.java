package org.entrylog.web;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.config.RateLimit;

/**
 * Token buckets, one per key (a client address, a visitor, a device), kept in memory. A flood
 * from one key is answered 429 {@code rate_limited} with {@code Retry-After} while every other key
 * keeps its own allowance, so one abusive phone or tablet does not slow a venue's door
 * (docs/threat-model.md T31). Disabled as a whole by {@code ENTRYLOG_RATE_LIMITS=off}.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 200_000;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final RateLimit limit;
    /** Tokens regained per millisecond. */
    private final double perMilli;
    private final Clock clock;
    private final boolean enabled;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(RateLimit limit, Clock clock, boolean enabled) {
        this.limit = limit;
        this.perMilli = limit.burst() / (double) limit.period().toMillis();
        this.clock = clock;
        this.enabled = enabled;
    }

    /** Takes {@code cost} tokens for {@code key}, or throws 429 with the seconds until enough return. */
    public void acquire(String key, int cost) {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        if (buckets.size() > MAX_KEYS) {
            buckets.clear(); // bounded memory under a flood of distinct keys; errs on the side of letting through
        }
        double waitMillis;
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
        synchronized (b) {
            b.tokens = Math.min(limit.burst(), b.tokens + Math.max(0, now - b.at) * perMilli);
            b.at = now;
            if (b.tokens >= cost) {
                b.tokens -= cost;
                return;
            }
            waitMillis = (cost - b.tokens) / perMilli;
        }
        long seconds = Math.max(1, (long) Math.ceil(waitMillis / 1000.0));
        throw new ApiException(ErrorCode.RATE_LIMITED, "Too many requests; try again in " + seconds + " s.",
                seconds);
    }

    public void acquire(String key) {
        acquire(key, 1);
    }
}
