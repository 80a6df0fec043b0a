package org.entrylog.official;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Pattern;
import org.entrylog.store.Database;

/**
 * Health officials' accounts, managed by the operator from the command line ({@code official add},
 * {@code official disable}). The operator sets the first password but cannot read it back: only
 * its Argon2id hash is stored.
 */
public final class OfficialAccounts {
    /** Lower-case letters, digits, dot, underscore and hyphen, 3–64 characters, starting with a letter or digit. */
    static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");

    private final Database db;
    private final Passwords passwords;
    private final Clock clock;

    public OfficialAccounts(Database db, Passwords passwords, Clock clock) {
        this.db = db;
        this.passwords = passwords;
        this.clock = clock;
    }

    /** The canonical (lower-case) form of a username, or an error naming the rule. */
    public static String requireUsername(String username) {
        String u = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(u).matches()) {
            throw new IllegalArgumentException("The username must be 3-64 characters of a-z, 0-9, '.', '_' or '-', "
                    + "starting with a letter or digit.");
        }
        return u;
    }

    /** Adds a national official; refuses a taken username. */
    public String add(String username, String password) {
        return add(username, password, RegionScope.NATIONAL);
    }

    /** Adds an official who sees identities and venue lists only in {@code scope}; refuses a taken username. */
    public String add(String username, String password, RegionScope scope) {
        String u = requireUsername(username);
        String hash = passwords.hash(Passwords.requireAcceptable(password));
        long now = clock.millis();
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM official WHERE username = ?")) {
                ps.setString(1, u);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new IllegalArgumentException("An official named '" + u + "' already exists.");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO official(username, password_hash, created_at, regions) VALUES (?,?,?,?)")) {
                ps.setString(1, u);
                ps.setString(2, hash);
                ps.setLong(3, now);
                ps.setString(4, scope.stored());
                ps.executeUpdate();
            }
            return u;
        });
    }

    /**
     * Disables an official and ends their sessions; a running server refuses them at their next
     * request (it reads the account on every request). Disabling twice is harmless.
     *
     * @return the number of sessions ended
     */
    public int disable(String username) {
        String u = requireUsername(username);
        long now = clock.millis();
        return db.transaction(c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM official WHERE username = ?")) {
                ps.setString(1, u);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("No official is named '" + u + "'.");
                    }
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE official SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE official_session SET ended_at = ? WHERE official_id = ? AND ended_at IS NULL")) {
                ps.setLong(1, now);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }
        });
    }

    /** The regions of this official (by internal id); national when none were given. */
    public static RegionScope scope(java.sql.Connection c, long officialId) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT regions FROM official WHERE id = ?")) {
            ps.setLong(1, officialId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    // the session was just authenticated, so the account exists; refuse rather than widen
                    throw new IllegalStateException("no official " + officialId);
                }
                return RegionScope.parse(rs.getString(1));
            }
        }
    }

    /** Official accounts not disabled. */
    public static long activeCount(java.sql.Connection c) throws java.sql.SQLException {
        Long n = org.entrylog.store.Sql.value(c, "SELECT count(*) FROM official WHERE disabled_at IS NULL");
        return n == null ? 0 : n;
    }
}
