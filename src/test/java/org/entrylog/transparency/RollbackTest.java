package org.entrylog.transparency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.entrylog.common.Json;
import org.entrylog.config.Config;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncated log no longer verifies against a copy kept outside (issue 14, item 5): checkpoints
 * are signed every {@code ENTRYLOG_CHECKPOINT_MINUTES} and after every purge, an outside party keeps
 * them with {@code scripts/keep-checkpoints.sh}, and {@code verify --against} those copies names
 * the rollback that the plain walk cannot see.
 */
class RollbackTest {
    @TempDir
    Path dir;
    @TempDir
    Path kept;

    private static String keepCheckpoints(String base, Path into) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", Path.of("scripts/keep-checkpoints.sh").toAbsolutePath().toString(), base,
                into.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script ended");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Waits (up to 10 s) until the checkpoint table holds {@code n} rows; the start-up one is taken by the job thread. */
    private static void awaitCheckpoints(TestApp t, long n) {
        t.awaitCount("SELECT count(*) FROM checkpoint", n);
    }

    @Test
    void aTruncatedLogWithItsHeadResetFailsVerifyAgainstAKeptCheckpointNamingTheRollback() throws Exception {
        Path startup = kept.resolve("startup.json");
        try (TestApp t = new TestApp(dir)) {
            awaitCheckpoints(t, 2); // taken at start, of an empty log
            Files.writeString(startup, t.get("/api/checkpoints", null).body());
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 3; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
            t.clock.advance(Duration.ofMinutes(60));
            t.app.checkpointIfDue();
            assertTrue(keepCheckpoints(t.base, kept.resolve("copies")).contains("kept 4 new"));
            assertTrue(keepCheckpoints(t.base, kept.resolve("copies")).contains("kept 0 new"), "copies are kept once");
        }
        Path all = kept.resolve("copies").resolve("all.json");
        JsonNode copies = Json.MAPPER.readTree(all.toFile());
        assertEquals(4, copies.size());
        assertEquals(0, Cli.run("verify", "--data", dir.toString(), "--against", all.toString()).exit());

        // the insider's attack: drop the trigger, delete every scan, reset the chain head
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER scan_log_delete_only_expired");
            s.executeUpdate("DELETE FROM scan_log");
            s.executeUpdate("UPDATE chain_head SET entries = 0, head = zeroblob(32) WHERE log = 'scan_log'");
        }
        Cli.Run walk = Cli.run("verify", "--data", dir.toString());
        assertEquals(0, walk.exit(), "the walk alone cannot tell a truncated log from a young one: " + walk.out());
        Cli.Run early = Cli.run("verify", "--data", dir.toString(), "--against", startup.toString());
        assertEquals(0, early.exit(), "nor can a checkpoint of the empty log: " + early.out());

        Cli.Run caught = Cli.run("verify", "--data", dir.toString(), "--against", all.toString());
        assertEquals(1, caught.exit(), caught.out());
        assertTrue(caught.out().contains("the log was rolled back: it now counts 0 entries ever appended, fewer than the 3"),
                caught.out());
    }

    @Test
    void rowsRemovedBehindAnUntouchedHeadAreNotPassedOffAsPurged() throws Exception {
        Path file = kept.resolve("cp.json");
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 3; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
            t.app.purger.purge(t.clock.instant(), Duration.ofSeconds(30)); // a purge ran, deleting nothing
            Files.writeString(file, t.get("/api/checkpoints?limit=2", null).body());
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER scan_log_delete_only_expired");
            s.executeUpdate("DELETE FROM scan_log");
        }
        Cli.Run caught = Cli.run("verify", "--data", dir.toString(), "--against", file.toString());
        assertEquals(1, caught.exit(), caught.out());
        assertTrue(caught.out().contains("entries were removed outside a retention purge"), caught.out());
    }

    @Test
    void checkpointsAreTakenEveryConfiguredIntervalByTheInjectedClockAndAfterEveryPurge() throws Exception {
        try (TestApp t = new TestApp(dir, org.entrylog.testing.MutableClock.at("2026-03-02T09:00:00Z"),
                Map.of("ENTRYLOG_CHECKPOINT_MINUTES", "15"))) {
            awaitCheckpoints(t, 2);
            t.clock.advance(Duration.ofMinutes(15).minusSeconds(1));
            t.app.checkpointIfDue();
            assertEquals(2, t.count("SELECT count(*) FROM checkpoint"), "14 min 59 s: not yet");
            t.clock.advance(Duration.ofSeconds(1));
            t.app.checkpointIfDue();
            t.app.checkpointIfDue();
            assertEquals(4, t.count("SELECT count(*) FROM checkpoint"), "15 min: one of each log, once");
            JsonNode newest = t.get("/api/checkpoints?limit=1", null).json().path("checkpoints");
            assertEquals(1, newest.size());
            assertEquals("2026-03-02T09:15:00Z", newest.get(0).path("at").asText());

            t.clock.advance(Duration.ofMinutes(1));
            t.app.purger.purge(t.clock.instant(), Duration.ofSeconds(30));
            assertEquals(6, t.count("SELECT count(*) FROM checkpoint"), "one of each log after the purge closed");
            assertEquals("2026-03-02T09:16:00Z",
                    t.get("/api/checkpoints?limit=1", null).json().path("checkpoints").get(0).path("at").asText());
            assertEquals(400, t.get("/api/checkpoints?limit=0", null).status());
        }
    }

    @Test
    void theIntervalIsOneMinuteToOneDay() {
        assertEquals(Duration.ofMinutes(60), Config.from(Map.of()).checkpointInterval());
        assertEquals(Duration.ofMinutes(1440), Config.from(Map.of("ENTRYLOG_CHECKPOINT_MINUTES", "1440")).checkpointInterval());
        for (String bad : new String[] {"0", "1441", "hourly"}) {
            var e = assertThrows(Config.ConfigException.class,
                    () -> Config.from(Map.of("ENTRYLOG_CHECKPOINT_MINUTES", bad)));
            assertTrue(e.getMessage().contains("ENTRYLOG_CHECKPOINT_MINUTES"), e.getMessage());
        }
    }
}
