package org.entrylog.web;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.config.RateLimit;

/**
 * Token buckets, one per key (a client address, a visitor, a device), kept in memory. A flood
 * from one key is answered 429 {@code rate_limited} with {@code Retry-After} while every other key
 * keeps its own allowance, so one abusive phone or tablet does not slow a venue's door
 * (docs/threat-model.md T31). Disabled as a whole by {@code ENTRYLOG_RATE_LIMITS=off}.
 *
 * <p>Memory is bounded without ever forgetting a key that is being held back. A bucket that has
 * refilled completely is dropped, since a new one starts full and nothing is lost. Beyond
 * {@link #MAX_KEYS}, a new key evicts, of the buckets at the least recently used end, the one
 * holding the most tokens (a key that has barely spent anything), never one being held back while
 * fuller ones are near, and never everything. Until
 * 2026-12 the map was cleared at 200,000 keys, so a flood of distinct keys gave every limited
 * client its full allowance back (issue 14 item 9).
 *
 * <p>Hand-written rather than a cache library (Caffeine): the eviction must prefer buckets that
 * are full or nearly so, which a size- or frequency-based cache cannot be told, and the whole is
 * one ordered map under one lock, about as many lines as configuring one.
 */
public final class RateLimiter {
    /** Keys held at most (~150 bytes each, so ~15 MB per limiter at worst). */
    public static final int MAX_KEYS = 100_000;
    /** How many buckets from the least recently used end a new key looks at for one to evict. */
    private static final int EVICTION_SCAN = 64;
    /** How many idle, refilled buckets each request drops at most (keeps the work per request small). */
    private static final int EXPIRY_SCAN = 4;

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
    private final int maxKeys;
    /** In access order: the first entry is the least recently used. Guarded by {@code this}. */
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(1024, 0.75f, true);

    public RateLimiter(RateLimit limit, Clock clock, boolean enabled) {
        this(limit, clock, enabled, MAX_KEYS);
    }

    RateLimiter(RateLimit limit, Clock clock, boolean enabled, int maxKeys) {
        this.limit = limit;
        this.perMilli = limit.burst() / (double) limit.period().toMillis();
        this.clock = clock;
        this.enabled = enabled;
        this.maxKeys = maxKeys;
    }

    /** Takes {@code cost} tokens for {@code key}, or throws 429 with the seconds until enough return. */
    public void acquire(String key, int cost) {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        double waitMillis;
        synchronized (this) {
            expireRefilled(now);
            Bucket b = buckets.get(key);
            if (b == null) {
                if (buckets.size() >= maxKeys) {
                    evictOne(now);
                }
                b = new Bucket(limit.burst(), now);
                buckets.put(key, b);
            }
            b.tokens = tokensAt(b, now);
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

    /** How many keys are held (for tests). */
    synchronized int size() {
        return buckets.size();
    }

    private double tokensAt(Bucket b, long now) {
        return Math.min(limit.burst(), b.tokens + Math.max(0, now - b.at) * perMilli);
    }

    /** Drops idle buckets at the least recently used end that have refilled completely. */
    private void expireRefilled(long now) {
        Iterator<Bucket> it = buckets.values().iterator();
        for (int i = 0; i < EXPIRY_SCAN && it.hasNext(); i++) {
            if (tokensAt(it.next(), now) < limit.burst()) {
                return; // the least recently used is still refilling, so are most behind it
            }
            it.remove();
        }
    }

    /**
     * Makes room for one key: among the buckets at the least recently used end, the one holding the
     * most tokens goes (evicting it gives its key the least it had not already), so a key that is
     * being held back stays held back while a flood of fresh keys replaces one another.
     */
    private void evictOne(long now) {
        Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator();
        String victim = null;
        double most = -1;
        for (int i = 0; i < EVICTION_SCAN && it.hasNext(); i++) {
            Map.Entry<String, Bucket> e = it.next();
            double tokens = tokensAt(e.getValue(), now);
            if (tokens > most) {
                most = tokens;
                victim = e.getKey();
            }
        }
        buckets.remove(victim);
    }
}
