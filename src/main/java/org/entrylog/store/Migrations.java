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
    };

    private Migrations() {}

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
