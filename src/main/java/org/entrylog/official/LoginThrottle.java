package org.entrylog.official;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;

/**
 * Throttles sign-in attempts (docs/threat-model.md T30): failed attempts are counted per account and per client
 * address over a sliding window; once either has too many, further attempts are answered 429
 * {@code rate_limited} with {@code Retry-After} until the oldest failure leaves the window, without
 * even checking the password.
 *
 * <p>Per account defends against guessing one official's password from many addresses; per address
 * against one client spraying many usernames. Unknown usernames are counted exactly like known
 * ones, so the throttle does not reveal which accounts exist. It throttles rather than locks: a
 * stranger can slow an official's sign-in down but not shut the account for good. Counts live in
 * memory (a restart clears them) and are bounded in size. {@code ENTRYLOG_RATE_LIMITS=off} turns
 * it off.
 *
 * <p>Since officials sign in with a password and a TOTP code (issue 14), the per-account limit is a
 * slowdown for strangers, not a lock for the official: an address from which this account signed in
 * successfully before (password and code) is let through to the checks even while the account is
 * over its limit, so anyone can make guessing slower but no one can shut the official out from
 * their usual desk. Such addresses are remembered, in memory, for {@link #KNOWN_FOR} after their
 * last success. The per-address limit still applies to them.
 */
public final class LoginThrottle {
    /** Failures that block an account: 10 in 15 minutes (under 1000 guesses a day against a ≥12-character password). */
    public static final int PER_ACCOUNT = 10;
    /** Failures that block a client address: 30 in 15 minutes (a shared office NAT still has room for typos). */
    public static final int PER_ADDRESS = 30;
    public static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 50_000;
    /** How long a successful address stays known for its account. */
    public static final Duration KNOWN_FOR = Duration.ofDays(30);
    private static final int KNOWN_PER_ACCOUNT = 16;

    private final Clock clock;
    private final boolean enabled;
    private final Map<String, Deque<Long>> failures = new HashMap<>();
    /** account key → address → last successful sign-in (ms); access order, bounded. */
    private final Map<String, Map<String, Long>> known = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    public LoginThrottle(Clock clock, boolean enabled) {
        this.clock = clock;
        this.enabled = enabled;
    }

    /** Throws 429 with {@code Retry-After} when this account or address is blocked now. */
    public synchronized void check(String username, String address) {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        long accountWait = knownAddress(username, address, now) ? 0 : waitMillis(accountKey(username), PER_ACCOUNT, now);
        long wait = Math.max(accountWait, waitMillis(addressKey(address), PER_ADDRESS, now));
        if (wait > 0) {
            long seconds = Math.max(1, (wait + 999) / 1000);
            throw new ApiException(ErrorCode.RATE_LIMITED, "Too many failed sign-ins; try again in " + seconds + " s.",
                    seconds);
        }
    }

    /** Counts a failed attempt against the account and the address. */
    public synchronized void failed(String username, String address) {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        if (failures.size() >= MAX_KEYS) {
            prune(now);
        }
        if (failures.size() < MAX_KEYS) {
            record(accountKey(username), PER_ACCOUNT, now);
            record(addressKey(address), PER_ADDRESS, now);
        } else {
            // the table is full of live entries: keep counting the address, which an attacker cannot vary as freely
            record(addressKey(address), PER_ADDRESS, now);
        }
    }

    /** A successful sign-in clears the account's failures (not the address's) and remembers the address for it. */
    public synchronized void succeeded(String username, String address) {
        failures.remove(accountKey(username));
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        Map<String, Long> addresses = known.computeIfAbsent(accountKey(username), k -> new java.util.LinkedHashMap<>());
        addresses.remove(address);
        addresses.put(address, now);
        addresses.values().removeIf(at -> at + KNOWN_FOR.toMillis() <= now);
        while (addresses.size() > KNOWN_PER_ACCOUNT) {
            addresses.remove(addresses.keySet().iterator().next());
        }
    }

    private boolean knownAddress(String username, String address, long now) {
        Map<String, Long> addresses = known.get(accountKey(username));
        Long at = addresses == null ? null : addresses.get(address);
        return at != null && at + KNOWN_FOR.toMillis() > now;
    }

    private long waitMillis(String key, int limit, long now) {
        Deque<Long> d = failures.get(key);
        if (d == null) {
            return 0;
        }
        expire(d, now);
        if (d.isEmpty()) {
            failures.remove(key);
            return 0;
        }
        return d.size() >= limit ? d.peekFirst() + WINDOW.toMillis() - now : 0;
    }

    private void record(String key, int limit, long now) {
        Deque<Long> d = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(d, now);
        d.addLast(now);
        while (d.size() > limit) {
            d.removeFirst();
        }
    }

    private void expire(Deque<Long> d, long now) {
        while (!d.isEmpty() && d.peekFirst() + WINDOW.toMillis() <= now) {
            d.removeFirst();
        }
    }

    private void prune(long now) {
        for (Iterator<Deque<Long>> it = failures.values().iterator(); it.hasNext(); ) {
            Deque<Long> d = it.next();
            expire(d, now);
            if (d.isEmpty()) {
                it.remove();
            }
        }
    }

    private static String accountKey(String username) {
        String u = username == null ? "" : username;
        return "u:" + (u.length() > 64 ? u.substring(0, 64) : u).toLowerCase(java.util.Locale.ROOT);
    }

    private static String addressKey(String address) {
        return "a:" + address;
    }
}
