package org.entrylog.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbered migrations in {@code db/migrations/NNN_*.sql}, each applied in its own transaction that
 * also bumps {@code PRAGMA user_version}, so a half-applied migration cannot exist.
 *
 * <p>PostgreSQL has its own list, {@code db/postgres/NNN_*.sql} ({@link #POSTGRES_FILES}): it starts
 * from the final state of the SQLite schema rather than replaying its history. Its version is the
 * one row of {@code entrylog_schema}; each migration runs in a transaction holding
 * {@link Database#WRITER_LOCK}, so servers starting together apply it once. A migration added to
 * the SQLite list gets its PostgreSQL twin appended here.
 */
final class Migrations {
    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
    /** In order; the position (1-based) is the version a migration brings the schema to. */
    static final String[] FILES = {
        "001_core.sql",
        "002_retention.sql",
        "003_officials.sql",
        "004_transparency.sql",
        "005_official_totp.sql",
        "006_phone_hash_v2.sql",
        "007_devices.sql",
        "008_approvals_regions.sql",
        "009_cards_companions.sql",
        "010_venue_owners.sql",
        "011_notices.sql",
        "012_device_areas.sql",
        "013_device_indexes.sql",
    };

    /** In order, as {@link #FILES}; PostgreSQL DDL is transactional, so the same one-transaction rule holds. */
    static final String[] POSTGRES_FILES = {
        "001_core.sql",
        "002_officials_audit.sql",
        "003_transparency.sql",
        "004_approvals_regions.sql",
        "005_cards_owners.sql",
        "006_scan_days.sql",
        "007_sign_in_throttle.sql",
        "008_notices.sql",
        "009_device_areas.sql",
        "010_device_indexes.sql",
    };

    private Migrations() {}

    /** Brings a PostgreSQL schema up to date (see the class comment). */
    static void apply(Database.Dialect dialect, Connection c) throws SQLException {
        if (dialect == Database.Dialect.SQLITE) {
            apply(c);
            return;
        }
        try (Statement s = c.createStatement()) {
            for (int v = 1; ; v++) {
                s.execute("BEGIN");
                try {
                    s.execute("SELECT pg_advisory_xact_lock(" + Database.WRITER_LOCK + ")");
                    s.execute("CREATE TABLE IF NOT EXISTS entrylog_schema (version INTEGER NOT NULL)");
                    int version;
                    try (ResultSet rs = s.executeQuery("SELECT max(version) FROM entrylog_schema")) {
                        version = rs.next() ? rs.getInt(1) : 0;
                    }
                    if (version > POSTGRES_FILES.length) {
                        throw new StoreException("The database has schema version " + version + " but this entrylog knows "
                                + "only " + POSTGRES_FILES.length + ". Refusing to run an older entrylog on a newer database.");
                    }
                    if (version >= POSTGRES_FILES.length) {
                        s.execute("COMMIT");
                        return;
                    }
                    String file = POSTGRES_FILES[version];
                    String sql = Database.resource("/db/postgres/" + file);
                    if (sql == null) {
                        throw new IllegalStateException("missing migration " + file);
                    }
                    for (String stmt : SqlScript.split(sql)) {
                        s.execute(stmt);
                    }
                    s.execute("DELETE FROM entrylog_schema");
                    s.execute("INSERT INTO entrylog_schema(version) VALUES (" + (version + 1) + ")");
                    s.execute("COMMIT");
                    LOG.info("database schema migrated to version {} ({})", version + 1, "postgres/" + file);
                } catch (SQLException | RuntimeException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
        }
    }

    static int userVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Refuses a database whose schema is newer than this entrylog knows (checked before anything is written). */
    static void requireKnownVersion(Connection c) throws SQLException {
        int version = userVersion(c);
        if (version > FILES.length) {
            throw new StoreException("The database has schema version " + version + " but this entrylog knows only "
                    + FILES.length + ". Refusing to run an older entrylog on a newer database.");
        }
    }

    static void apply(Connection c) throws SQLException {
        requireKnownVersion(c);
        int version = userVersion(c);
        for (int v = version + 1; v <= FILES.length; v++) {
            String sql = Database.resource("/db/migrations/" + FILES[v - 1]);
            if (sql == null) {
                throw new IllegalStateException("missing migration " + FILES[v - 1]);
            }
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                try {
                    for (String stmt : SqlScript.split(sql)) {
                        s.execute(stmt);
                    }
                    s.execute("PRAGMA user_version = " + v);
                    s.execute("COMMIT");
                } catch (SQLException e) {
                    s.execute("ROLLBACK");
                    throw e;
                }
            }
            LOG.info("database schema migrated to version {} ({})", v, FILES[v - 1]);
        }
    }
}
