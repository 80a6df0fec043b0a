package org.entrylog.scan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.entrylog.store.Database;

/** Aggregate reads of the scan log (no personal data): the oldest entry held. */
public final class ScanQueries {
    private ScanQueries() {}

    /** Epoch millis of the oldest scan held, or null when the log is empty (by the scanned_at index). */
    public static Long oldestScan(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(scanned_at) FROM scan_log");
             ResultSet rs = ps.executeQuery()) {
            long v = rs.next() ? rs.getLong(1) : 0;
            return rs.wasNull() ? null : v;
        }
    }

    public static Long oldestScan(Database db) {
        return db.read(ScanQueries::oldestScan);
    }
}
