package org.entrylog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The one-number queries (counts, minima, maxima) that several capabilities ask. */
public final class Sql {
    private Sql() {}

    /**
     * The first column of the first row as a long; null when there is no row or the value is NULL. A
     * truth value ({@code EXISTS}: an integer on SQLite, a boolean on PostgreSQL) is 1 or 0.
     */
    public static Long value(Connection c, String sql, long... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setLong(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object v = rs.getObject(1);
                if (v == null) {
                    return null;
                }
                return v instanceof Boolean b ? (b ? 1L : 0L) : ((Number) v).longValue();
            }
        }
    }
}
