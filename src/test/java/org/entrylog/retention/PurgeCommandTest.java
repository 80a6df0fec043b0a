package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.entrylog.cli.Main;
import org.entrylog.testing.TestApp;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code purge [--as-of] [--dry-run]} and {@code verify} from the command line, beside a running server. */
class PurgeCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, JsonNode json) {}

    private static Run run(String... args) throws Exception {
        StringWriter out = new StringWriter();
        int code = Main.run(new PrintWriter(out), args);
        return new Run(code, Json.MAPPER.readTree(out.toString()));
    }

    @Test
    void purgePrintsTheCutoffAndCountsAndVerifyReportsThePurgesPassed() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            var d = t.venueWithDevice("Cafe");
            var v = t.register("Kim", "010-1234-5678");
            String old = Fixture.scanAt(t, d, v, T0);
            String kept = Fixture.scanAt(t, d, t.register("Lee", "010-2222-3333"), T0.plus(Duration.ofDays(10)));
            Instant asOf = T0.plus(Duration.ofDays(30));

            Run dry = run("purge", "--data", dir.toString(), "--as-of", asOf.toString(), "--dry-run");
            assertEquals(0, dry.code());
            assertTrue(dry.json().path("dryRun").asBoolean());
            assertEquals(1, dry.json().path("purgedScans").asLong());
            assertTrue(Fixture.scanHeld(t, old), "a dry run deletes nothing");
            assertEquals(0, t.count("SELECT count(*) FROM purge"));

            Run purge = run("purge", "--data", dir.toString(), "--as-of", asOf.toString());
            assertEquals(0, purge.code());
            JsonNode j = purge.json();
            assertEquals(asOf.minus(Duration.ofDays(28)).toString(), j.path("cutoff").asText());
            assertEquals(1, j.path("purgedScans").asLong());
            assertEquals(1, j.path("purgedVisitors").asLong());
            assertEquals(asOf.toString(), j.path("asOf").asText());
            assertFalse(j.path("dryRun").asBoolean());
            assertTrue(j.path("purgeId").isNumber());
            // The server sees the command's effect at once.
            assertFalse(Fixture.scanHeld(t, old));
            assertTrue(Fixture.scanHeld(t, kept));
            assertEquals(1, t.count("SELECT count(*) FROM purge WHERE run_by = 'command'"));

            Run verify = run("verify", "--data", dir.toString());
            assertEquals(0, verify.code(), verify.json().toString());
            assertTrue(verify.json().path("ok").asBoolean());
            assertEquals(1, verify.json().path("entries").asLong());
            assertEquals(1, verify.json().path("purges").asLong());
            assertEquals(1, verify.json().path("purgeCutsPassed").asLong());
        }
    }

    @Test
    void aPurgeAsOfAFutureInstantSaysSo() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Run r = run("purge", "--data", dir.toString(), "--as-of", "2099-01-01T00:00:00Z", "--yes");
            assertEquals(0, r.code());
            assertTrue(r.json().path("futureAsOf").asBoolean());
            assertEquals("2098-12-04T00:00:00Z", r.json().path("cutoff").asText());
        }
    }

    @Test
    void aFuturePurgeWithoutYesDeletesNothingAndSaysWhatToAdd() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            var d = t.venueWithDevice("Cafe");
            String held = Fixture.scanAt(t, d, t.register("Kim", "010-1234-5678"), T0);
            StringWriter out = new StringWriter();
            java.io.PrintStream oldErr = System.err;
            java.io.ByteArrayOutputStream errBuf = new java.io.ByteArrayOutputStream();
            System.setErr(new java.io.PrintStream(errBuf, true, java.nio.charset.StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run(new PrintWriter(out), "purge", "--data", dir.toString(), "--as-of", "2099-01-01T00:00:00Z");
            } finally {
                System.setErr(oldErr);
            }
            assertEquals(2, code);
            JsonNode j = Json.MAPPER.readTree(out.toString());
            assertFalse(j.path("ok").asBoolean());
            assertTrue(j.path("error").asText().contains("--yes"), j.toString());
            String stderr = errBuf.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(stderr.contains("future") && stderr.contains("--yes") && stderr.contains("--dry-run"), stderr);
            assertTrue(Fixture.scanHeld(t, held), "nothing deleted");
            assertEquals(0, t.count("SELECT count(*) FROM purge"));

            Run dry = run("purge", "--data", dir.toString(), "--as-of", "2099-01-01T00:00:00Z", "--dry-run");
            assertEquals(0, dry.code(), "a dry run needs no --yes");
            assertTrue(Fixture.scanHeld(t, held));
        }
    }

    @Test
    void anInstantWithoutAnOffsetIsRefusedNotGuessed() throws Exception {
        Run r = run("purge", "--data", dir.toString(), "--as-of", "2026-04-01T00:00:00");
        assertEquals(2, r.code());
        assertFalse(r.json().path("ok").asBoolean());
        assertTrue(r.json().path("error").asText().contains("--as-of"));
    }
}
