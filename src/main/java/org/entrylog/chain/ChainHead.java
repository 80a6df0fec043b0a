package org.entrylog.chain;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Where a hash chain stands: rows ever appended, and the hash of the newest. */
public record ChainHead(long entries, byte[] hash) {

    /** The head of {@code log}; a log without one is a damaged database. */
    public static ChainHead read(Connection c, String log) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT entries, head FROM chain_head WHERE log = ?")) {
            ps.setString(1, log);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no chain head for " + log);
                }
                return new ChainHead(rs.getLong(1), rs.getBytes(2));
            }
        }
    }

    /** Moves the head one row on, inside the transaction that appended the row. */
    public static void advance(Connection c, String log, byte[] newHead) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE chain_head SET entries = entries + 1, head = ? WHERE log = ?")) {
            ps.setBytes(1, newHead);
            ps.setString(2, log);
            ps.executeUpdate();
        }
    }
}
