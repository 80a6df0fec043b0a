package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trace's SQL reads index ranges, not the whole scan log. */
class TraceQueryPlanTest {
    @TempDir
    Path dir;

    private static String plan(Connection c, String sql) throws Exception {
        StringBuilder sb = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
            while (rs.next()) {
                sb.append(rs.getString("detail")).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void caseAndVenueQueriesUseTheirIndexes() throws Exception {
        try (TestApp t = new TestApp(dir);
             Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"))) {
            String byVisitor = plan(c, "SELECT seq, visitor_id, venue_id, scanned_at, direction FROM scan_log"
                    + " WHERE visitor_id = 1 AND scanned_at >= 0 AND scanned_at <= 9 ORDER BY scanned_at, seq");
            assertTrue(byVisitor.contains("scan_log_visitor_time"), byVisitor);
            String byVenue = plan(c, "SELECT s.seq, s.visitor_id, s.venue_id, s.scanned_at, s.direction, v.public_id,"
                    + " v.sealed_identity FROM scan_log s JOIN visitor v ON v.id = s.visitor_id"
                    + " WHERE s.venue_id = 1 AND s.scanned_at >= 0 AND s.scanned_at <= 9 ORDER BY s.scanned_at, s.seq");
            assertTrue(byVenue.contains("scan_log_venue_time"), byVenue);
            String history = plan(c, "SELECT a.at, a.case_ref FROM audit_access x JOIN audit_log a ON a.seq = x.audit_seq"
                    + " WHERE x.visitor = x'00' ORDER BY x.audit_seq DESC");
            assertTrue(history.contains("SEARCH x USING PRIMARY KEY (visitor=?)") && !history.contains("TEMP B-TREE"), history);
            System.out.print(byVisitor + byVenue + history);
        }
    }
}
