package org.entrylog.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.entrylog.chain.LogVerifier;
import org.entrylog.store.Database;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** The log is append-only in the database itself, and `verify` names what an attacker with the file changed. */
@Tag("slow")
@BothStores
class ScanLogIntegrityTest {
    @Parameter
    TestApp.Store store;

    @TempDir
    Path dir;
    Map<String, String> env;

    @BeforeEach
    void store() {
        env = TestApp.envFor(store, Map.of());
    }

    private void fill(int scans) {
        fill(scans, null);
    }

    /** {@code scans} scans by one tablet, standing in {@code area} (null: none) from the second scan on. */
    private void fill(int scans, String area) {
        try (TestApp t = TestApp.on(store, dir, MutableClock.at("2026-03-02T09:00:00Z"), env)) {
            Visitor v = t.register("Kim", "01012345678");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < scans; i++) {
                if (i == 1 && area != null) {
                    t.app.db.transaction(c -> c.createStatement().executeUpdate(
                            "UPDATE device SET area = '" + area + "'"));
                }
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
        }
    }

    private Connection raw() throws SQLException {
        return DriverManager.getConnection(TestApp.databaseUrl(dir, env));
    }

    private LogVerifier.Result verify() {
        try (Database db = TestApp.openStore(dir, env)) {
            return db.read(ScanStore::verify);
        }
    }

    @Test
    void anIntactLogVerifies() {
        fill(5);
        LogVerifier.Result r = verify();
        assertTrue(r.ok(), r.toString());
        assertEquals(5, r.entries());
    }

    @Test
    void theDatabaseRefusesUpdateAndDeleteOfLogRows() throws Exception {
        fill(2);
        try (Connection c = raw(); Statement s = c.createStatement()) {
            SQLException up = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE scan_log SET direction = 1"));
            assertTrue(up.getMessage().contains("append-only"));
            SQLException del = assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM scan_log"));
            assertTrue(del.getMessage().contains("retention purge"));
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM visitor"));
        }
        assertTrue(verify().ok());
    }

    @Test
    void verifyNamesADeletedRow() throws Exception {
        fill(5);
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute(store.dropTrigger("scan_log_delete_only_expired", "scan_log")); // as an attacker with the file would
            s.executeUpdate("DELETE FROM scan_log WHERE seq = 3");
        }
        LogVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(3L, r.firstBadSeq());
        assertTrue(r.problem().contains("missing"), r.problem());
    }

    @Test
    void verifyNamesAnEditedRow() throws Exception {
        fill(5);
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute(store.dropTrigger("scan_log_no_update", "scan_log"));
            s.executeUpdate("UPDATE scan_log SET scanned_at = scanned_at - 3600000 WHERE seq = 2");
        }
        LogVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(2L, r.firstBadSeq());
        assertTrue(r.problem().contains("altered"), r.problem());
    }

    @Test
    void theChainCoversEachScansAreaOnRowsThatHaveOne() throws Exception {
        fill(4, "terrace");
        LogVerifier.Result intact = verify();
        assertTrue(intact.ok(), intact.toString());
        try (Connection c = raw(); Statement s = c.createStatement()) {
            assertEquals(3, count(s, "SELECT count(*) FROM scan_log WHERE area = 'terrace'"));
            s.execute(store.dropTrigger("scan_log_no_update", "scan_log"));
            s.executeUpdate("UPDATE scan_log SET area = NULL WHERE seq = 4");
            s.executeUpdate("UPDATE scan_log SET area = 'bar' WHERE seq = 3");
            s.executeUpdate("UPDATE scan_log SET area = 'terrace' WHERE seq = 1");
        }
        LogVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(1L, r.firstBadSeq(), "an area added to a row that had none");
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE scan_log SET area = NULL WHERE seq = 1");
        }
        assertEquals(3L, verify().firstBadSeq(), "an area edited");
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE scan_log SET area = 'terrace' WHERE seq = 3");
        }
        assertEquals(4L, verify().firstBadSeq(), "an area removed");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void verifyNoticesTheNewestRowEditedOrRemoved() throws Exception {
        fill(3);
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute(store.dropTrigger("scan_log_delete_only_expired", "scan_log"));
            s.executeUpdate("DELETE FROM scan_log WHERE seq = 3");
        }
        LogVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(2L, r.firstBadSeq());
    }

    @Test
    void verifyNoticesTheFirstRowsRemoved() throws Exception {
        fill(3);
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute(store.dropTrigger("scan_log_delete_only_expired", "scan_log"));
            s.executeUpdate("DELETE FROM scan_log WHERE seq = 1");
        }
        LogVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals(2L, r.firstBadSeq());
    }

    @Test
    void theVerifyCommandExitsOneAndNamesTheEntry() throws Exception {
        fill(4);
        assertEquals(0, runVerify().exit());
        try (Connection c = raw(); Statement s = c.createStatement()) {
            s.execute(store.dropTrigger("scan_log_no_update", "scan_log"));
            s.executeUpdate("UPDATE scan_log SET direction = 1 WHERE seq = 2");
        }
        Cli.Run r = runVerify();
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("\"ok\":false"), r.out());
        assertTrue(r.out().contains("\"firstBadEntry\":2"), r.out());
    }

    private Cli.Run runVerify() {
        return Cli.withEnv(env, "verify", "--data", dir.toString());
    }
}
