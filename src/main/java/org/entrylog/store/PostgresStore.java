package org.entrylog.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Connections to a PostgreSQL store ({@code ENTRYLOG_DATABASE_URL}) and its checks at opening: what
 * {@link Database} does differently there, kept beside it.
 *
 * <p>SQLite-only concerns have no PostgreSQL counterpart here: WAL mode and {@code synchronous=FULL}
 * (PostgreSQL's commit is durable with its defaults, {@code fsync=on} and
 * {@code synchronous_commit=on}, and waits for a synchronous standby when one is named),
 * {@code secure_delete} and incremental vacuum (retention drops whole day partitions instead:
 * retention/Purger, README "When to choose PostgreSQL"), and {@code quick_check} (PostgreSQL checks
 * its pages' checksums as it reads them when the cluster was made with them).
 */
final class PostgresStore {
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private PostgresStore() {}

    /** A new connection in autocommit mode; transactions are begun by {@link Database#begin}. */
    static Connection connect(DatabaseUrl url) {
        var props = url.properties();
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        // a lock waited for longer than this fails the statement (503) instead of hanging a request
        props.setProperty("options", "-c lock_timeout=20s -c TimeZone=UTC");
        try {
            return DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            throw new StoreUnavailable("Cannot connect to the PostgreSQL database " + url.jdbcUrl().replaceAll("\\?.*", "")
                    + ": " + e.getMessage());
        }
    }

    /**
     * The write connection, with the database checked and its schema brought up to date. A database
     * that holds other tables but no entrylog schema is refused, never written to.
     */
    static Connection openWriter(DatabaseUrl url) {
        Connection w = connect(url);
        try {
            checkOurs(w, url);
            Migrations.apply(Database.Dialect.POSTGRES, w);
            return w;
        } catch (SQLException | RuntimeException e) {
            try {
                w.close();
            } catch (SQLException ignored) {
                // failing anyway
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("Cannot open the PostgreSQL database: " + e.getMessage(), e);
        }
    }

    private static void checkOurs(Connection c, DatabaseUrl url) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE table_name = 'entrylog_schema'), count(*)"
                     + " FROM information_schema.tables WHERE table_schema = current_schema()")) {
            rs.next();
            if (rs.getLong(1) == 0 && rs.getLong(2) > 0) {
                throw new StoreException("The PostgreSQL database " + url.jdbcUrl().replaceAll("\\?.*", "")
                        + " holds other tables and no entrylog schema. Refusing to start; point "
                        + "ENTRYLOG_DATABASE_URL at an empty or an entrylog database.");
            }
        }
    }
}
