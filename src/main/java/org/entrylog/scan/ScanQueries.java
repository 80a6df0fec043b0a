package org.entrylog.scan;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.entrylog.store.Database;

/** Aggregate reads of the scan log (no personal data): counts and the oldest entry. */
public final class ScanQueries {
    private ScanQueries() {}

    /** Epoch millis of the oldest scan held, or null when the log is empty. */
    public static Long oldestScan(Database db) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(scanned_at) FROM scan_log");
                 ResultSet rs = ps.executeQuery()) {
                long v = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() ? null : v;
            }
        });
    }
}
