package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `backup --to` copies a live database consistently; the copy opens and verifies on its own.
 * SQLite only: on PostgreSQL `backup` names pg_dump / pg_basebackup instead of copying a file.
 */
class BackupCommandTest {
    @TempDir
    Path dir;
    @TempDir
    Path out;

    @Test
    void aBackupOfALiveServerIsConsistentAndVerifies() throws Exception {
        Path copy = out.resolve("nested/entrylog-backup.db");
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 5; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
            Cli.Run r = Cli.run("backup", "--data", dir.toString(), "--to", copy.toString());
            assertEquals(0, r.exit(), r.out());
            assertEquals(5, r.json().path("entries").asLong());
            assertEquals(201, t.scan(d, t.pass(v)).status(), "the server keeps writing after a backup");
        }
        // restore: the copy becomes the database of a new data folder, which verifies
        Path restored = out.resolve("restored");
        Files.createDirectories(restored);
        Files.copy(copy, restored.resolve("entrylog.db"));
        Cli.Run verified = Cli.run("verify", "--data", restored.toString());
        assertEquals(0, verified.exit(), verified.out());
        assertEquals(5, verified.json().path("entries").asLong());
        Cli.Run again = Cli.run("backup", "--data", dir.toString(), "--to", copy.toString());
        assertNotEquals(0, again.exit());
        assertTrue(again.out().contains("already exists"));
    }
}
