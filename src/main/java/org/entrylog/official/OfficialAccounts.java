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

    /**
     * What an account may do, its {@code kind} column (migration 007): an official uses the official
     * API; a venue owner (accounts made by {@code owner add}, owner/OwnerAccounts) signs in the same
     * way but is admitted only by the VENUE_OWNER role. A session carries its account's kind.
     */
    public enum Kind {
        OFFICIAL("official"), VENUE_OWNER("venue_owner");

        public final String column;

        Kind(String column) {
            this.column = column;
        }
    }

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
        String hash = hash(password);
        return db.transaction(c -> {
            insert(c, u, hash, Kind.OFFICIAL, scope);
            return u;
        });
    }

    /** The Argon2id hash of an acceptable password (refuses one too short), made outside any transaction. */
    public String hash(String password) {
        return passwords.hash(Passwords.requireAcceptable(password));
    }

    /**
     * Adds an account of this kind on the caller's transaction (a venue owner's is written with the
     * venues it sees) and answers its internal id; refuses a taken username, whatever its kind.
     */
    public long insert(java.sql.Connection c, String username, String passwordHash, Kind kind)
            throws java.sql.SQLException {
        return insert(c, username, passwordHash, kind, RegionScope.NATIONAL);
    }

    /** As {@link #insert(java.sql.Connection, String, String, Kind)}, with the regions an official sees. */
    public long insert(java.sql.Connection c, String username, String passwordHash, Kind kind, RegionScope scope)
            throws java.sql.SQLException {
        String u = requireUsername(username);
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM official WHERE username = ?")) {
            ps.setString(1, u);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new IllegalArgumentException("An account named '" + u + "' already exists.");
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO official(username, password_hash, created_at, kind, regions) VALUES (?,?,?,?,?) RETURNING id")) {
            ps.setString(1, u);
            ps.setString(2, passwordHash);
            ps.setLong(3, clock.millis());
            ps.setString(4, kind.column);
            ps.setString(5, scope.stored());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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
        Long n = org.entrylog.store.Sql.value(c, "SELECT count(*) FROM official WHERE disabled_at IS NULL AND kind = 'official'");
        return n == null ? 0 : n;
    }
}
