package org.entrylog.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The test harness's private PostgreSQL: fresh databases are empty and separate, the application
 * role is not a superuser, and a synchronous standby holds every committed row after the primary is
 * SIGKILLed and the standby promoted.
 */
@Tag("slow")
class PostgresHarnessTest {
    @Test
    void eachFreshDatabaseIsEmptySeparateAndOwnedByAPlainRole() throws SQLException {
        Postgres.assumeAvailable();
        String a = Postgres.freshDatabase();
        String b = Postgres.freshDatabase();
        assertNotEquals(a, b);
        assertTrue(a.startsWith("jdbc:postgresql://127.0.0.1:"), a);
        assertTrue(!a.contains(":5432/"), "never the system cluster's port: " + a);
        exec(a, "CREATE TABLE t (x int)");
        exec(a, "INSERT INTO t VALUES (1)");
        assertEquals("1", query(a, "SELECT count(*) FROM t"));
        assertEquals("0", query(b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        assertEquals("off", query(a, "SHOW is_superuser"));
        assertEquals("on", query(a, "SHOW fsync"));
    }

    @Test
    @Tag("crash")
    void aSyncStandbyHasEveryCommittedRowAfterThePrimaryIsKilled() throws SQLException {
        Postgres.assumeAvailable();
        try (Postgres.Pair pair = Postgres.primaryWithSyncStandby()) {
            exec(pair.primaryUrl(), "CREATE TABLE t (x int)");
            for (int i = 0; i < 50; i++) {
                exec(pair.primaryUrl(), "INSERT INTO t VALUES (" + i + ")");
            }
            pair.killPrimary();
            assertThrows(SQLException.class, () -> query(pair.primaryUrl(), "SELECT 1"));
            pair.promoteStandby();
            assertEquals("50", query(pair.standbyUrl(), "SELECT count(*) FROM t"));
            exec(pair.standbyUrl(), "INSERT INTO t VALUES (50)");
            assertEquals("51", query(pair.standbyUrl(), "SELECT count(*) FROM t"));
        }
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
