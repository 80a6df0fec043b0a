package org.entrylog.scan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * scan_log's day partitions on PostgreSQL (db/postgres/006_scan_days.sql): one table per UTC day of
 * {@code scanned_at}. The writer makes the day of each row before appending it, so a late offline
 * scan lands in its own, older day; a retention purge drops whole days once the whole day is older
 * than its cut-off, and deletes row by row only what is left of the cut-off's own day. SQLite keeps
 * one table (its {@code secure_delete} overwrites deleted rows instead).
 */
final class ScanDays {
    /** A day dropped: the positions of the rows it held, for the chain's resume points. */
    record Dropped(String partition, List<Long> seqs) {}

    private ScanDays() {}

    /** Makes the partition of the day of {@code scannedAt} when absent (under the writer lock). */
    static void ensure(Connection c, long scannedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT scan_log_day(?)")) {
            ps.setLong(1, scannedAt);
            ps.executeQuery().close();
        }
    }

    /**
     * Drops the oldest day partition whose whole day lies before {@code cutoff} (the database refuses
     * unless an open purge allows it), or returns null when there is none. Empty days on the way are
     * dropped too, so one call drops at most one day that held rows.
     */
    static Dropped dropOldestBefore(Connection c, long cutoff) throws SQLException {
        while (true) {
            String part;
            try (PreparedStatement ps = c.prepareStatement("SELECT part FROM scan_log_days_before(?) LIMIT 1")) {
                ps.setLong(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    part = rs.getString(1);
                }
            }
            List<Long> seqs = new ArrayList<>();
            // the name comes from the catalogue and matches ^scan_log_d[0-9]{8}$: safe to quote as an identifier
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM \"" + part + "\" ORDER BY seq");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT scan_log_drop_day(?)")) {
                ps.setString(1, part);
                ps.executeQuery().close();
            }
            if (!seqs.isEmpty()) {
                return new Dropped(part, seqs);
            }
        }
    }
}
