package org.entrylog.scan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Occupancy reads one venue's range of {@code scan_log_venue_time}, not the whole scan log. */
class OccupancyQueryPlanTest {
    @TempDir
    Path dir;

    @Test
    void insideSearchesTheVenueTimeIndex() throws Exception {
        try (TestApp t = new TestApp(dir);
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + ScanStore.INSIDE.replace("?", "1"))) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString("detail")).append('\n');
            }
            assertTrue(plan.toString().contains("USING INDEX scan_log_venue_time (venue_id=? AND scanned_at")
                    && !plan.toString().contains("SCAN scan_log"), plan.toString());
        }
    }
}
