package org.entrylog.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background check of a large file holds a snapshot for as long as it reads; what was written
 * meanwhile is then copied into the file by the check's own connection, not left for the writer's
 * next commit (on a 35 GB log that copy held the writer for minutes: issue 18).
 */
class WholeFileCheckTest {
    @TempDir
    Path dir;

    @Test
    void afterTheCheckTheWalIsCopiedBesideTheWriterAndItsOwnCheckpointsResume() throws Exception {
        try (Database db = Database.open(dir)) {
            WriteQueue q = new WriteQueue(db).start();
            q.execute(c -> exec(c, "CREATE TABLE bulk(b BLOB)"));
            q.execute(c -> 0); // a commit, then an empty WAL to start from:
            synchronized (db.writer()) {
                exec(db.writer(), "PRAGMA wal_checkpoint(TRUNCATE)");
            }
            long before = Files.size(db.file());
            for (int i = 0; i < 100; i++) { // ≈ 400 pages: under the writer's own threshold of 1,000
                q.execute(c -> exec(c, "INSERT INTO bulk VALUES (randomblob(16000))"));
            }
            assertEquals(before, Files.size(db.file()), "the writer left these pages in the WAL");

            assertNull(db.checkWholeFile(), "a sound file");

            assertTrue(Files.size(db.file()) >= before + 1_500_000, "copied into the file after the check");
            assertEquals(Long.valueOf(Database.SQLITE_AUTOCHECKPOINT_PAGES),
                    Sql.value(db.writer(), "PRAGMA wal_autocheckpoint"), "the writer checkpoints again");
            q.execute(c -> exec(c, "INSERT INTO bulk VALUES (1)"));
            q.close();
        }
    }

    /** A purge makes the writer's checkpoints small; a long reader pauses them, whatever else runs. */
    @Test
    void theWritersCheckpointsFollowWhatRunsBesideIt() throws Exception {
        try (Database db = Database.open(dir)) {
            assertEquals(Long.valueOf(1000), autocheckpoint(db), "SQLite's default");
            try (Database.Held purge = db.checkpoints(Database.Checkpoints.SMALL)) {
                assertEquals(Long.valueOf(Database.PURGE_AUTOCHECKPOINT_PAGES), autocheckpoint(db));
                Database.Held check = db.checkpoints(Database.Checkpoints.PAUSED);
                assertEquals(Long.valueOf(0), autocheckpoint(db), "paused wins");
                check.close();
                check.close(); // twice: released once
                assertEquals(Long.valueOf(Database.PURGE_AUTOCHECKPOINT_PAGES), autocheckpoint(db));
            }
            assertEquals(Long.valueOf(1000), autocheckpoint(db), "back to the default");
        }
    }

    private static Long autocheckpoint(Database db) throws java.sql.SQLException {
        synchronized (db.writer()) {
            return Sql.value(db.writer(), "PRAGMA wal_autocheckpoint");
        }
    }

    private static int exec(java.sql.Connection c, String sql) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement()) {
            s.execute(sql);
            return 0;
        }
    }
}
