package org.entrylog.web;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.entrylog.common.ApiException;

/**
 * Token buckets, one per key (a client address, a visitor, a device), kept in memory. A flood
 * from one key is answered 429 {@code rate_limited} with {@code Retry-After} while every other key
 * keeps its own allowance, so one abusive phone or tablet does not slow a venue's door
 * (THREATS #31). Disabled as a whole by {@code ENTRYLOG_RATE_LIMITS=off}.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 200_000;

    /** A limit: {@code burst} requests at once, refilled at {@code burst} per {@code period}. */
    public record Limit(String name, int burst, Duration period) {
        double perMilli() {
            return burst / (double) period.toMillis();
        }

        /** Parses {@code N/PERIOD} such as {@code 20/1m}, {@code 600/1h}, {@code 10/1s}. */
        public static Limit parse(String name, String spec) {
            String[] p = spec.trim().split("/");
            if (p.length != 2 || !p[1].matches("\\d+[smhd]")) {
                throw new IllegalArgumentException("rate limit " + name + " must look like 20/1m, was '" + spec + "'");
            }
            long n = Long.parseLong(p[1].substring(0, p[1].length() - 1));
            Duration d = switch (p[1].charAt(p[1].length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            int burst = Integer.parseInt(p[0]);
            if (burst < 1 || d.isZero()) {
                throw new IllegalArgumentException("rate limit " + name + " must allow at least 1 per period");
            }
            return new Limit(name, burst, d);
        }
    }

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Limit limit;
    private final Clock clock;
    private final boolean enabled;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Limit limit, Clock clock, boolean enabled) {
        this.limit = limit;
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
            b.tokens = Math.min(limit.burst(), b.tokens + Math.max(0, now - b.at) * limit.perMilli());
            b.at = now;
            if (b.tokens >= cost) {
                b.tokens -= cost;
                return;
            }
            waitMillis = (cost - b.tokens) / limit.perMilli();
        }
        long seconds = Math.max(1, (long) Math.ceil(waitMillis / 1000.0));
        throw new ApiException(429, "rate_limited", "Too many requests; try again in " + seconds + " s.",
                Map.of("Retry-After", Long.toString(seconds)));
    }

    public void acquire(String key) {
        acquire(key, 1);
    }
}
