package org.entrylog.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.ServerProcess;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/threat-model.md T23–T25: a full disk and a database held locked answer 503 {@code unavailable} with
 * {@code Retry-After}, never a 2xx for a write that did not happen, and the server recovers by
 * itself once space or the lock returns; a corrupt or foreign file at start-up is refused with a
 * clear message and left byte-for-byte as it was. SQLite only: the faults are the SQLite file's
 * (its disk, its lock, its header).
 */
@Tag("crash")
class StorageFaultTest {
    private static final Map<String, String> ENV = Map.of("ENTRYLOG_RATE_LIMITS", "off");

    @TempDir
    Path dir;

    private TestApp app() {
        return new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), ENV);
    }

    private static void pragma(TestApp t, String sql) throws SQLException {
        Connection w = t.app.db.writer();
        synchronized (w) {
            try (Statement s = w.createStatement()) {
                s.execute(sql);
            }
        }
    }

    private static long pageCount(TestApp t) throws SQLException {
        Connection w = t.app.db.writer();
        synchronized (w) {
            try (Statement s = w.createStatement(); ResultSet rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertUnavailable(Response r) {
        assertEquals(503, r.status(), r.body());
        assertEquals("unavailable", r.text("error"), r.body());
        assertTrue(r.header("Retry-After") != null && r.header("Retry-After").matches("\\d+"), "Retry-After: " + r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("SQL"), r.body());
    }

    @Test
    void aFullDiskAnswers503NeverA2xxForAnUnwrittenScanAndRecoversWhenSpaceReturns() throws Exception {
        try (TestApp t = app()) {
            Visitor v = t.register("Full Disk", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            assertEquals(201, t.scan(d, t.pass(v)).status());
            // The file may not grow by a single page from now on: the disk is full.
            pragma(t, "PRAGMA max_page_count = " + pageCount(t));
            List<String> refused = new ArrayList<>();
            int acknowledged = 1;
            for (int i = 0; i < 2000 && refused.size() < 5; i++) {
                String token = t.pass(v);
                Response r = t.scan(d, token);
                if (r.status() == 201) {
                    acknowledged++; // still fitted into free pages of the file
                } else {
                    assertUnavailable(r);
                    refused.add(token);
                }
            }
            assertEquals(5, refused.size(), "the disk never filled up");
            assertEquals(acknowledged, t.count("SELECT count(*) FROM scan_log"), "a row for every 201, none for a 503");
            // every other write fills its own table's last page, then is refused the same way
            int visitors = (int) t.count("SELECT count(*) FROM visitor");
            visitors += untilRefused(() -> t.post("/api/visitors", Map.of("name", "Late", "phone", "01033334444"), null));
            visitors += untilRefused(() -> t.post("/api/manual-entries",
                    Map.of("name", "Late", "phone", "01033334444"), d.secret()));
            assertEquals(visitors, t.count("SELECT count(*) FROM visitor"), "a visitor row for every 201, none for a 503");
            Response batch = t.post("/api/scans/batch", "{\"scans\":[{\"token\":\"" + t.pass(v) + "\"}]}", d.secret());
            assertEquals(200, batch.status(), batch.body());
            assertEquals(503, batch.json().path("results").path(0).path("status").asInt(), batch.body());
            assertEquals("unavailable", batch.json().path("results").path(0).path("error").asText(), batch.body());
            assertEquals(acknowledged, t.count("SELECT count(*) FROM scan_log"));

            // Space returns: the same server takes the very passes it refused, as new scans.
            pragma(t, "PRAGMA max_page_count = 1073741823");
            for (String token : refused) {
                Response r = t.scan(d, token);
                assertEquals(201, r.status(), "a refused scan was not written, so it is new now: " + r.body());
                assertFalse(r.json().path("duplicate").asBoolean());
            }
            assertEquals(201, t.post("/api/visitors", Map.of("name", "Late", "phone", "01033334444"), null).status());
            assertEquals(acknowledged + refused.size(), t.count("SELECT count(*) FROM scan_log"));
        }
        assertEquals(0, Cli.run("verify", "--data", dir.toString()).exit());
    }

    /** Sends until the server refuses with 503 (checked); returns how many were answered 201 before that. */
    private static int untilRefused(java.util.function.Supplier<Response> send) {
        for (int ok = 0; ok < 5000; ok++) {
            Response r = send.get();
            if (r.status() != 201) {
                assertUnavailable(r);
                return ok;
            }
        }
        throw new AssertionError("the disk never filled up");
    }

    @Test
    void aDatabaseHeldLockedAnswers503AfterTheBusyWaitAndRecoversWhenReleased() throws Exception {
        try (TestApp t = app()) {
            Visitor v = t.register("Locked Out", "01011113333");
            Device d = t.venueWithDevice("Cafe");
            long before = t.count("SELECT count(*) FROM scan_log");
            String token = t.pass(v);
            String second = t.pass(v);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
                 Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE"); // another process holds the write lock longer than busy_timeout (5 s)
                long start = System.nanoTime();
                var first = CompletableFuture.supplyAsync(() -> t.scan(d, token));
                var parallel = CompletableFuture.supplyAsync(() -> t.scan(d, second));
                Response r = first.join();
                long waitedMs = (System.nanoTime() - start) / 1_000_000;
                assertUnavailable(r);
                assertUnavailable(parallel.join());
                assertTrue(waitedMs >= 4000, "waited for the lock before giving up: " + waitedMs + " ms");
                // reads need no write lock (WAL): a pass can still be issued meanwhile
                assertEquals(201, t.post("/api/visitors/" + v.id() + "/passes", "", v.secret()).status());
                s.execute("ROLLBACK");
            }
            assertEquals(before, t.count("SELECT count(*) FROM scan_log"), "nothing was written while locked");
            Response again = t.scan(d, token);
            assertEquals(201, again.status(), again.body());
            assertEquals(201, t.scan(d, second).status());
            assertEquals(before + 2, t.count("SELECT count(*) FROM scan_log"));
        }
    }

    @Test
    void aLockReleasedWithinTheBusyWaitCostsNothing() throws Exception {
        try (TestApp t = app()) {
            Visitor v = t.register("Short Lock", "01011114444");
            Device d = t.venueWithDevice("Cafe");
            String token = t.pass(v);
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
                 Statement s = other.createStatement()) {
                s.execute("BEGIN EXCLUSIVE");
                var r = CompletableFuture.supplyAsync(() -> t.scan(d, token));
                Thread.sleep(1000);
                s.execute("COMMIT");
                assertEquals(201, r.join().status());
            }
        }
    }

    /**
     * Runs {@code serve} on the folder as a child process; it must print a refusal and exit non-zero
     * instead of starting (a server that starts anyway is killed and the test fails).
     */
    private Cli.Run serveRefuses(Path data) throws Exception {
        try (ServerProcess p = ServerProcess.launch(data, dir.resolveSibling(dir.getFileName() + "-serve.log"), ENV)) {
            com.fasterxml.jackson.databind.JsonNode line = p.awaitStarted(60);
            assertTrue(p.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "serve started anyway: " + line);
            assertNotEquals(0, p.process.exitValue(), line.toString());
            assertFalse(line.path("ok").asBoolean(true), line.toString());
            return new Cli.Run(p.process.exitValue(), line.toString());
        }
    }

    private static byte[] snapshot(Path file) throws Exception {
        return Files.readAllBytes(file);
    }

    @Test
    void aFileOfRandomBytesIsRefusedAtStartAndLeftUntouched() throws Exception {
        Path db = dir.resolve("entrylog.db");
        byte[] junk = new byte[64 * 1024];
        new Random(7).nextBytes(junk);
        Files.write(db, junk);
        String error = serveRefuses(dir).json().path("error").asText();
        assertTrue(error.contains(db.toString()) && error.toLowerCase().contains("not a database"), error);
        assertTrue(error.contains("Refusing") || error.contains("refus"), error);
        assertArrayEquals(junk, snapshot(db));
        assertFalse(Files.exists(dir.resolve("entrylog.db-wal")), "no WAL made beside it");
        assertNotEquals(0, Cli.run("verify", "--data", dir.toString()).exit());
        assertArrayEquals(junk, snapshot(db));
    }

    @Test
    void aForeignSqliteDatabaseIsRefusedAtStartAndLeftUntouched() throws Exception {
        Path db = dir.resolve("entrylog.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, email TEXT)");
            s.execute("INSERT INTO customers(name, email) VALUES ('Ann', 'ann@example.org')");
        }
        byte[] before = snapshot(db);
        String error = serveRefuses(dir).json().path("error").asText();
        assertTrue(error.contains("not an entrylog database") && error.contains(db.toString()), error);
        assertArrayEquals(before, snapshot(db), "the foreign database was changed");
        assertNotEquals(0, Cli.run("venue", "add", "--data", dir.toString(), "--name", "X").exit());
        assertArrayEquals(before, snapshot(db), "the foreign database was changed by a command");
    }

    @Test
    void aDamagedEntrylogDatabaseIsRefusedAtStartAndLeftUntouched() throws Exception {
        try (TestApp t = app()) {
            Visitor v = t.register("Damaged", "01011115555");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 150; i++) {
                t.scan(d, t.pass(v));
            }
        }
        Path db = dir.resolve("entrylog.db");
        assertFalse(Files.exists(dir.resolve("entrylog.db-wal")), "a clean stop leaves one self-contained file");
        byte[] bytes = snapshot(db);
        assertTrue(bytes.length > 8 * 4096, "a file of several pages");
        // scramble whole pages in the middle of the file (b-tree page headers included), past the
        // header and the schema page; damage inside a row's payload alone is what `verify` finds
        Random r = new Random(11);
        int page = 4096;
        for (int i = (bytes.length / 2 / page) * page; i < (bytes.length / 2 / page + 3) * page; i++) {
            bytes[i] = (byte) r.nextInt(256);
        }
        Files.write(db, bytes);
        String error = serveRefuses(dir).json().path("error").asText();
        assertTrue((error.contains("damaged") || error.contains("cannot be read")) && error.contains("Refusing"), error);
        assertArrayEquals(bytes, snapshot(db));
    }

    @Test
    void aLargeFileIsCheckedAfterTheStartAndDamageFoundThereStopsEveryWrite() throws Exception {
        Device d;
        Visitor v;
        try (TestApp t = app()) {
            v = t.register("Large", "01011117777");
            d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 400; i++) {
                t.scan(d, t.pass(v));
            }
        }
        Path db = dir.resolve("entrylog.db");
        // scramble one leaf page of scan_log in the middle: nothing at start-up reads it, quick_check does
        long page;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pageno FROM dbstat WHERE name = 'scan_log' AND pagetype = 'leaf'"
                     + " ORDER BY pageno")) {
            List<Long> leaves = new ArrayList<>();
            while (rs.next()) {
                leaves.add(rs.getLong(1));
            }
            assertTrue(leaves.size() > 4, "scan_log spans several leaf pages: " + leaves);
            page = leaves.get(leaves.size() / 2);
        }
        byte[] bytes = snapshot(db);
        Random r = new Random(13);
        for (int i = 0; i < 4096; i++) {
            bytes[(int) ((page - 1) * 4096) + i] = (byte) r.nextInt(256);
        }
        Files.write(db, bytes);
        System.setProperty("entrylog.startCheckMaxBytes", "0"); // every file counts as large: checked after the start
        try (TestApp t = app()) {
            Response health = t.get("/health", null);
            for (int i = 0; i < 300 && health.status() == 200; i++) {
                Thread.sleep(100);
                health = t.get("/health", null);
            }
            assertEquals(503, health.status(), health.body());
            assertEquals("damaged", health.text("status"));
            Response scan = t.scan(d, t.pass(v));
            assertEquals(503, scan.status(), scan.body());
            assertEquals("unavailable", scan.text("error"));
            assertEquals(503, t.post("/api/visitors", Map.of("name", "After", "phone", "01011118888"), null).status());
        } finally {
            System.clearProperty("entrylog.startCheckMaxBytes");
        }
    }

    @Test
    void aDatabaseFromANewerEntrylogIsRefusedAndLeftUntouched() throws Exception {
        try (TestApp t = app()) {
            t.register("Newer", "01011116666");
        }
        Path db = dir.resolve("entrylog.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA user_version = 99");
        }
        byte[] before = snapshot(db);
        String error = serveRefuses(dir).json().path("error").asText();
        assertTrue(error.contains("schema version 99"), error);
        assertArrayEquals(before, snapshot(db));
    }
}
