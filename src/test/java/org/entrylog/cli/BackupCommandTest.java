package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.file.Path;
import java.util.Map;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
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

    /**
     * {@code --check}: at 200 M scans the full {@code integrity_check} of the copy takes about an hour
     * (issue 18), so an operator may ask for SQLite's quick check, or none; the answer says which ran.
     */
    @Test
    void theCopysCheckCanBeQuickOrNoneAndSaysWhichRan() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            assertEquals(201, t.scan(d, t.pass(v)).status());
            for (String check : new String[] {"full", "quick", "none"}) {
                Cli.Run r = Cli.run("backup", "--data", dir.toString(), "--to", out.resolve(check + ".db").toString(),
                        "--check", check);
                assertEquals(0, r.exit(), r.out());
                assertEquals(check, r.json().path("check").asText());
                assertEquals(check.equals("none") ? "unchecked" : "ok", r.json().path("integrity").asText());
                assertEquals(1, r.json().path("entries").asLong());
            }
            Cli.Run bad = Cli.run("backup", "--data", dir.toString(), "--to", out.resolve("bad.db").toString(),
                    "--check", "sometimes");
            assertEquals(2, bad.exit(), bad.out()); // picocli's usage error, on standard error
            assertTrue(Files.notExists(out.resolve("bad.db")), "nothing written for a refused command");
        }
    }

    /**
     * A backup beside a server that keeps writing. SQLite's online backup copying a few pages at a
     * time starts again from the first page whenever another connection writes between two steps,
     * so with scans arriving every few milliseconds a copy of any real size never finished (found
     * measuring `backup` at 200 M rows, issue 18). The copy is taken in one step, from one snapshot.
     */
    @Test
    void aBackupFinishesWhileScansKeepArriving() throws Exception {
        Path copy = out.resolve("busy.db");
        try (TestApp t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            // ballast, so the copy takes many of SQLite's steps: 40 MB in a table the server never reads
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
                 Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("CREATE TABLE bench_ballast(b BLOB)");
                s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)"
                        + " INSERT INTO bench_ballast SELECT zeroblob(4000) FROM n");
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread scans = new Thread(() -> {
                while (!stop.get()) {
                    if (t.scan(d, t.pass(v)).status() == 201) {
                        written.incrementAndGet();
                    }
                }
            });
            scans.start();
            Cli.Run r;
            try {
                while (written.get() < 5) {
                    Thread.sleep(10);
                }
                r = assertTimeoutPreemptively(Duration.ofSeconds(60),
                        () -> Cli.run("backup", "--data", dir.toString(), "--to", copy.toString()),
                        "the backup did not finish while scans arrived");
            } finally {
                stop.set(true);
                scans.join();
            }
            assertEquals(0, r.exit(), r.out());
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(copy)), "the copy holds sealed identities: owner only");
            long inCopy = r.json().path("entries").asLong();
            assertTrue(inCopy >= 5 && inCopy <= written.get(), inCopy + " of " + written.get());
            Path restored = out.resolve("restored-busy");
            Files.createDirectories(restored);
            Files.copy(copy, restored.resolve("entrylog.db"));
            Cli.Run verified = Cli.run("verify", "--data", restored.toString());
            assertEquals(0, verified.exit(), verified.out());
            assertEquals(inCopy, verified.json().path("entries").asLong());
        }
    }
}
