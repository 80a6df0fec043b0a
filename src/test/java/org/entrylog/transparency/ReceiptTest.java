package org.entrylog.transparency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every purge yields a signed receipt that anyone can check, and `verify` notices a receipt or purge record altered. */
class ReceiptTest {
    @TempDir
    Path dir;

    @Test
    void aPurgePrintsASignedReceiptListedAtApiPurgesAndCheckableWithTheJdk() throws Exception {
        String key;
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 3; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
            t.clock.advance(Duration.ofHours(1));
            assertEquals(201, t.scan(d, t.pass(v)).status());
            key = t.get("/api/keys", null).json().path("keys").get(0).path("publicKey").asText();
            Cli.Run purge = Cli.run("purge", "--data", dir.toString(), "--as-of", "2026-03-30T09:30:00Z");
            assertEquals(0, purge.exit(), purge.out());
            JsonNode receipt = purge.json().path("receipt");
            assertEquals(3, receipt.path("purgedScans").asLong());
            assertEquals("2026-03-02T09:30:00Z", receipt.path("cutoff").asText());
            assertEquals(4, receipt.path("firstEntry").asLong(), "the remaining chain starts at entry 4");
            assertTrue(CheckpointTest.jdkVerifies(receipt, key), receipt.toString());
            JsonNode listed = t.get("/api/purges", null).json().path("receipts");
            assertEquals(1, listed.size());
            assertEquals(receipt, listed.get(0));
            assertTrue(!receipt.toString().contains(v.id()) && !receipt.toString().contains(d.venueId()));
        }
        Cli.Run ok = Cli.run("verify", "--data", dir.toString());
        assertEquals(0, ok.exit(), ok.out());
        assertEquals(1, ok.json().path("receipts").path("receipts").asInt());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER purge_close_only");
            s.executeUpdate("UPDATE purge SET purged_scans = 1");
        }
        Cli.Run edited = Cli.run("verify", "--data", dir.toString());
        assertEquals(1, edited.exit());
        assertTrue(edited.out().contains("no longer says what its signed receipt says"), edited.out());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER purge_receipt_no_update");
            s.executeUpdate("UPDATE purge_receipt SET statement = replace(statement, '\"purgedScans\":3', '\"purgedScans\":1')");
        }
        Cli.Run forged = Cli.run("verify", "--data", dir.toString());
        assertEquals(1, forged.exit());
        assertTrue(forged.out().contains("does not carry a valid signature"), forged.out());
    }
}
