package org.entrylog.scan;

import java.sql.Connection;
import java.sql.SQLException;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;

/** Aggregate reads of the scan log (no personal data): the oldest entry held. */
public final class ScanQueries {
    private ScanQueries() {}

    /** Epoch millis of the oldest scan held, or null when the log is empty (by the scanned_at index). */
    public static Long oldestScan(Connection c) throws SQLException {
        return Sql.value(c, "SELECT min(scanned_at) FROM scan_log");
    }

    public static Long oldestScan(Database db) {
        return db.read(ScanQueries::oldestScan);
    }
}
