package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.entrylog.chain.ChainHash;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration that brings companions and cards rebuilds scan_log: rows written before it keep
 * verifying, rows after it are hashed with their new columns, and the triggers are back.
 * SQLite only: it migrates an old SQLite file; the PostgreSQL schema starts at its own migrations.
 */
@Tag("slow")
class ScanLogMigrationTest {
    static final String MIGRATION = "009_cards_companions.sql";

    @TempDir
    Path dir;

    /** A database as the schema stood before the migration, with three scans chained the old way. */
    private void databaseBeforeTheMigration() throws SQLException {
        int before = Arrays.asList(Migrations.FILES).indexOf(MIGRATION);
        assertTrue(before > 0);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement s = c.createStatement()) {
            for (int i = 0; i < before; i++) {
                for (String stmt : SqlScript.split(Database.resource("/db/migrations/" + Migrations.FILES[i]))) {
                    s.execute(stmt);
                }
            }
            s.execute("PRAGMA user_version = " + before);
            s.execute("INSERT INTO venue(id, public_id, name, enrollment_code_hash, created_at)"
                    + " VALUES (1, zeroblob(16), 'Old cafe', zeroblob(32), 0)");
            s.execute("INSERT INTO visitor(id, public_id, sealed_identity, phone_hash, created_at, last_active_at)"
                    + " VALUES (1, zeroblob(16), x'00', zeroblob(32), 0, 0)");
            byte[] prev = ChainHash.GENESIS;
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO scan_log(seq, scan_id, venue_id, device_id,"
                    + " visitor_id, scanned_at, received_at, device_time, direction, source, prev_hash)"
                    + " VALUES (?, ?, 1, 1, 1, ?, ?, NULL, 0, ?, ?)")) {
                for (long seq = 1; seq <= 3; seq++) {
                    byte[] scanId = new byte[16];
                    scanId[0] = (byte) seq;
                    long at = now - 3_600_000 + seq;
                    int source = (int) (seq % 2);
                    ps.setLong(1, seq);
                    ps.setBytes(2, scanId);
                    ps.setLong(3, at);
                    ps.setLong(4, at);
                    ps.setInt(5, source);
                    ps.setBytes(6, prev);
                    ps.executeUpdate();
                    prev = new ChainHash(ScanStore.NAME).integer(seq).blob(scanId).integer(1L).integer(1L).integer(1L)
                            .integer(at).integer(at).integer((Long) null).integer(0L).integer((long) source).blob(prev)
                            .digest();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE chain_head SET entries = 3, head = ? WHERE log = 'scan_log'")) {
                ps.setBytes(1, prev);
                ps.executeUpdate();
            }
        }
    }

    @Test
    void oldRowsVerifyAfterTheMigrationAndNewRowsChainOnThem() throws Exception {
        databaseBeforeTheMigration();
        try (Database db = Database.open(dir)) {
            LogVerifier.Result r = db.read(ScanStore::verify);
            assertTrue(r.ok(), r.toString());
            assertEquals(3, r.entries());
        }
        try (TestApp t = new TestApp(dir)) {
            TestApp.Visitor v = t.register("Kim", "010-1234-5678");
            TestApp.Device d = t.venueWithDevice("Cafe");
            assertEquals(201, t.post("/api/scans", "{\"token\":\"" + t.pass(v) + "\",\"companions\":2}", d.secret())
                    .status());
            String card = t.post("/api/visitors/" + v.id() + "/cards", "", v.secret()).text("token");
            assertEquals(201, t.scan(d, card).status());
            assertEquals(3, t.count("SELECT count(*) FROM scan_log WHERE companions IS NULL"));
            LogVerifier.Result r = t.app.db.read(ScanStore::verify);
            assertTrue(r.ok(), r.toString());
            assertEquals(5, r.entries());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement s = c.createStatement()) {
            SQLException up = assertThrows(SQLException.class,
                    () -> s.executeUpdate("UPDATE scan_log SET companions = 9 WHERE seq = 1"));
            assertTrue(up.getMessage().contains("append-only"));
            assertThrows(SQLException.class, () -> s.executeUpdate("DELETE FROM scan_log"));
            assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE card SET revoked_at = NULL"));
            s.executeUpdate("UPDATE card SET revoked_at = 1");
            SQLException again = assertThrows(SQLException.class, () -> s.executeUpdate("UPDATE card SET revoked_at = 2"));
            assertTrue(again.getMessage().contains("revoked, once"));
            // an altered companions count shows: rebuild the row with it changed (as a writer of the file could)
            s.execute("PRAGMA writable_schema = 0");
            s.execute("DROP TRIGGER scan_log_no_update");
            s.executeUpdate("UPDATE scan_log SET companions = 5 WHERE companions = 2");
        }
        try (Database db = Database.open(dir)) {
            LogVerifier.Result r = db.read(ScanStore::verify);
            assertFalse(r.ok());
            assertEquals(4L, r.firstBadSeq());
        }
    }
}
