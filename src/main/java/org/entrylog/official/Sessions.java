package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Hashes;
import org.entrylog.common.Ids;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;

/**
 * Officials' sign-in and sessions. A session token is 256 random bits, handed out once and stored
 * only as its SHA-256. A session ends after {@link #IDLE} without a request, after {@link #ABSOLUTE}
 * whatever the activity, at logout, or when the official is disabled (OWASP ASVS 3.3: re-authenticate
 * at least every 12 hours or 30 minutes of inactivity; a working day is shorter than 12 hours).
 * Every decision uses the injected clock.
 */
public final class Sessions {
    public static final Duration IDLE = Duration.ofMinutes(30);
    public static final Duration ABSOLUTE = Duration.ofHours(8);
    /** Both "no such user" and "wrong password" get exactly this answer. */
    static final String BAD_LOGIN = "Wrong username or password.";

    /** A signed-in official, as authenticated by a session token. */
    public record Session(byte[] tokenHash, long officialId, String username) {
        @Override
        public String toString() {
            return "Session[" + username + ", token=[REDACTED]]";
        }
    }

    /** What a successful sign-in hands back once. */
    public record Login(String token, Instant expiresAt, String username) {
        @Override
        public String toString() {
            return "Login[" + username + ", token=[REDACTED]]";
        }
    }

    /**
     * A refused sign-in, carrying the username for the audit log when the account exists (never
     * shown to the caller: the answer is the same either way).
     */
    public static final class LoginRefused extends ApiException {
        private final String knownUsername;

        LoginRefused(ApiException answer, String knownUsername) {
            super(answer.errorCode(), answer.getMessage(), answer.retryAfter().orElse(0));
            this.knownUsername = knownUsername;
        }

        public String knownUsername() {
            return knownUsername;
        }
    }

    private record Account(long id, String username, String passwordHash, boolean disabled, byte[] totpSecret,
            long totpLastStep) {}

    private final Database db;
    private final WriteQueue writes;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final Clock clock;
    private final SecondFactors factors;
    /** Checked against when the account is unknown or has no second factor, so every refusal costs the same. */
    private final byte[] dummyTotp = Ids.randomBytes(Totp.SECRET_BYTES);

    public Sessions(Database db, WriteQueue writes, Passwords passwords, LoginThrottle throttle, Clock clock,
            SecondFactors factors) {
        this.db = db;
        this.writes = writes;
        this.passwords = passwords;
        this.throttle = throttle;
        this.clock = clock;
        this.factors = factors;
    }

    /**
     * Signs in with a password and a TOTP code (issue 14). The throttle is consulted first; then the
     * password is checked with Argon2id and the code against the account's secret whether or not the
     * account exists or has a secret (a dummy hash and a dummy secret otherwise), so a wrong user, a
     * wrong password, a missing, wrong or replayed code and an account without a second factor all
     * cost the same time and get the same 401. The step of an accepted code is marked used in the
     * same write that makes the session.
     */
    public Login login(String username, String password, String totp, String address) {
        throttle.check(username, address);
        String canonical = canonical(username);
        Account a = canonical == null ? null : account(canonical);
        boolean passwordOk = passwords.verify(password, a == null ? null : a.passwordHash());
        byte[] secret = a == null ? null : factors.secret(a.username(), a.totpSecret());
        long step = Totp.matchingStep(secret == null ? dummyTotp : secret, totp, clock.millis(),
                a == null ? Long.MAX_VALUE : a.totpLastStep());
        if (secret != null) {
            java.util.Arrays.fill(secret, (byte) 0);
        }
        boolean ok = passwordOk && secret != null && step >= 0 && !a.disabled();
        String token = Ids.newSecret();
        long now = clock.millis();
        long expires = now + ABSOLUTE.toMillis();
        // The step is consumed and the session made in one write: a replay racing this sign-in
        // (even on another server sharing the database) finds the step taken and is refused.
        boolean made = ok && writes.execute(c -> {
            if (!SecondFactors.consume(c, a.id(), step)) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM official_session WHERE expires_at < ? OR ended_at < ?")) {
                long stale = now - Duration.ofDays(1).toMillis();
                ps.setLong(1, stale);
                ps.setLong(2, stale);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO official_session(token_hash, official_id,"
                    + " created_at, last_used_at, expires_at) VALUES (?,?,?,?,?)")) {
                ps.setBytes(1, Hashes.secretHash(token));
                ps.setLong(2, a.id());
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.setLong(5, expires);
                return ps.executeUpdate() == 1;
            }
        });
        if (!made) {
            throttle.failed(username, address);
            throw new LoginRefused(new ApiException(ErrorCode.UNAUTHORIZED, BAD_LOGIN), a == null ? null : a.username());
        }
        throttle.succeeded(username, address);
        return new Login(token, Instant.ofEpochMilli(expires), a.username());
    }

    /**
     * The live session of this bearer token: not ended, not idle for {@link #IDLE}, not past its
     * absolute expiry, of an official who is not disabled. Anything else is the same 401.
     */
    public Session authenticate(String token) {
        return authenticate(token, OfficialAccounts.Kind.OFFICIAL);
    }

    /**
     * The live session of this bearer token, of an account of this kind (an official's session is
     * refused where a venue owner's is asked for, and the other way round: the same 401).
     */
    public Session authenticate(String token, OfficialAccounts.Kind kind) {
        if (token == null) {
            throw ApiException.unauthorized();
        }
        byte[] hash = Hashes.secretHash(token);
        long now = clock.millis();
        Session s = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT s.official_id, o.username, s.last_used_at, s.expires_at FROM official_session s"
                            + " JOIN official o ON o.id = s.official_id"
                            + " WHERE s.token_hash = ? AND s.ended_at IS NULL AND o.disabled_at IS NULL"
                            + " AND o.kind = ?")) {
                ps.setBytes(1, hash);
                ps.setString(2, kind.column);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || now >= rs.getLong(4) || now >= rs.getLong(3) + IDLE.toMillis()) {
                        return null;
                    }
                    return new Session(hash, rs.getLong(1), rs.getString(2));
                }
            }
        });
        if (s == null) {
            throw ApiException.unauthorized();
        }
        return s;
    }

    /** Marks the session used now (on the writer's connection, with the request's audit entry). */
    public void touch(Connection c, Session s, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE official_session SET last_used_at = ? WHERE token_hash = ? AND last_used_at < ?")) {
            ps.setLong(1, now);
            ps.setBytes(2, s.tokenHash());
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }

    /** Ends the session (logout), on the writer's connection. */
    public void end(Connection c, Session s, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE official_session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL")) {
            ps.setLong(1, now);
            ps.setBytes(2, s.tokenHash());
            ps.executeUpdate();
        }
    }

    private static String canonical(String username) {
        try {
            return OfficialAccounts.requireUsername(username);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Account account(String username) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, username, password_hash, disabled_at, totp_secret, coalesce(totp_last_step, -1)"
                            + " FROM official WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    rs.getLong(4);
                    boolean disabled = !rs.wasNull();
                    return new Account(rs.getLong(1), rs.getString(2), rs.getString(3), disabled, rs.getBytes(5),
                            rs.getLong(6));
                }
            }
        });
    }
}
