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
 *
 * <p>On PostgreSQL, where several servers answer sign-ins behind one load balancer, the failures and
 * the known addresses live in the database instead ({@link Shared}, tables {@code sign_in_failure}
 * and {@code sign_in_known} of db/postgres/007_sign_in_throttle.sql), so a guesser gains nothing by
 * spreading attempts over the servers. Keys are stored as SHA-256 of the account or address, never
 * in the clear, and rows older than their window are deleted as new failures are written.
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

    /** Counts kept in the database, or null: counts kept in this process's memory. */
    private final Shared shared;

    public LoginThrottle(Clock clock, boolean enabled) {
        this(clock, enabled, null);
    }

    /** With the counts in the database when {@code shared} is given (a PostgreSQL store). */
    public LoginThrottle(Clock clock, boolean enabled, Shared shared) {
        this.clock = clock;
        this.enabled = enabled;
        this.shared = shared;
    }

    /** The throttle's counts in the database, shared by every server on it. */
    public static final class Shared {
        private final org.entrylog.store.Database db;
        private final org.entrylog.store.WriteQueue writes;

        public Shared(org.entrylog.store.Database db, org.entrylog.store.WriteQueue writes) {
            this.db = db;
            this.writes = writes;
        }

        long waitMillis(String key, int limit, long now) {
            // the limit-th newest failure in the window: the block lasts until it leaves the window
            Long at = db.read(c -> org.entrylog.store.Sql.value(c, "SELECT at FROM sign_in_failure WHERE key_hash = ?"
                    + " AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?", hashKey(key), now - WINDOW.toMillis(), limit - 1));
            return at == null ? 0 : Math.max(0, at + WINDOW.toMillis() - now);
        }

        boolean known(String account, String address, long now) {
            Long n = db.read(c -> {
                try (var ps = c.prepareStatement("SELECT count(*) FROM sign_in_known WHERE account_hash = ?"
                        + " AND address_hash = ? AND at > ?")) {
                    ps.setLong(1, hashKey(account));
                    ps.setLong(2, hashKey(address));
                    ps.setLong(3, now - KNOWN_FOR.toMillis());
                    try (var rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : 0L;
                    }
                }
            });
            return n > 0;
        }

        void failed(String accountKey, String addressKey, long now) {
            writes.execute(c -> {
                try (var ps = c.prepareStatement("INSERT INTO sign_in_failure(key_hash, at) VALUES (?, ?)")) {
                    for (String k : new String[] {accountKey, addressKey}) {
                        ps.setLong(1, hashKey(k));
                        ps.setLong(2, now);
                        ps.executeUpdate();
                    }
                }
                try (var ps = c.prepareStatement("DELETE FROM sign_in_failure WHERE at <= ?")) {
                    ps.setLong(1, now - WINDOW.toMillis());
                    return ps.executeUpdate();
                }
            });
        }

        void succeeded(String accountKey, String address, long now) {
            writes.execute(c -> {
                try (var ps = c.prepareStatement("DELETE FROM sign_in_failure WHERE key_hash = ?")) {
                    ps.setLong(1, hashKey(accountKey));
                    ps.executeUpdate();
                }
                try (var ps = c.prepareStatement("INSERT INTO sign_in_known(account_hash, address_hash, at) VALUES (?,?,?)"
                        + " ON CONFLICT (account_hash, address_hash) DO UPDATE SET at = excluded.at")) {
                    ps.setLong(1, hashKey(accountKey));
                    ps.setLong(2, hashKey(address));
                    ps.setLong(3, now);
                    ps.executeUpdate();
                }
                try (var ps = c.prepareStatement("DELETE FROM sign_in_known WHERE at <= ?")) {
                    ps.setLong(1, now - KNOWN_FOR.toMillis());
                    return ps.executeUpdate();
                }
            });
        }

        /** The first 8 bytes of SHA-256 of the key: no username or address is stored. */
        private static long hashKey(String key) {
            byte[] h = org.entrylog.common.Hashes.sha256(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(h).getLong();
        }
    }

    /** Throws 429 with {@code Retry-After} when this account or address is blocked now. */
    public synchronized void check(String username, String address) {
        if (!enabled) {
            return;
        }
        long now = clock.millis();
        long wait;
        if (shared != null) {
            long accountWait = shared.known(accountKey(username), address, now) ? 0
                    : shared.waitMillis(accountKey(username), PER_ACCOUNT, now);
            wait = Math.max(accountWait, shared.waitMillis(addressKey(address), PER_ADDRESS, now));
        } else {
            long accountWait = knownAddress(username, address, now) ? 0
                    : waitMillis(accountKey(username), PER_ACCOUNT, now);
            wait = Math.max(accountWait, waitMillis(addressKey(address), PER_ADDRESS, now));
        }
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
        if (shared != null) {
            shared.failed(accountKey(username), addressKey(address), now);
            return;
        }
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
        if (shared != null) {
            shared.succeeded(accountKey(username), address, now);
            return;
        }
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
