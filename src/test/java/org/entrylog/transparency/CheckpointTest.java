package org.entrylog.transparency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.TreeMap;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed checkpoints anyone can check, and `verify --against` proving the log only grew since one. */
class CheckpointTest {
    @TempDir
    Path dir;
    @TempDir
    Path saved;

    /** Verifies a signed statement with the JDK's own Ed25519 and a hand-made canonical form. */
    static boolean jdkVerifies(JsonNode statement, String publicKeyB64) throws Exception {
        byte[] raw = Base64.getUrlDecoder().decode(publicKeyB64);
        byte[] spki = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] der = new byte[spki.length + raw.length];
        System.arraycopy(spki, 0, der, 0, spki.length);
        System.arraycopy(raw, 0, der, spki.length, raw.length);
        PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        TreeMap<String, Object> sorted = new TreeMap<>();
        for (Iterator<String> it = statement.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("signature")) {
                JsonNode v = statement.get(f);
                sorted.put(f, v.isNull() ? null : v.isNumber() ? v.numberValue() : v.asText());
            }
        }
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(pk);
        s.update(Json.write(sorted).getBytes(StandardCharsets.UTF_8));
        return s.verify(Base64.getUrlDecoder().decode(statement.get("signature").asText()));
    }

    @Test
    void checkpointsAreSignedAndCheckableWithAnIndependentEd25519() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            assertEquals(201, t.scan(d, t.pass(v)).status());
            t.clock.advance(Duration.ofDays(1));
            t.app.checkpointIfDue();
            JsonNode list = t.get("/api/checkpoints", null).json().path("checkpoints");
            assertEquals(4, list.size(), "at start and a day later, for both logs");
            JsonNode newest = list.get(0);
            assertEquals("2026-03-03T09:00:00Z", newest.path("at").asText(), "newest first");
            String key = t.get("/api/keys", null).json().path("keys").get(0).path("publicKey").asText();
            for (JsonNode cp : list) {
                assertTrue(jdkVerifies(cp, key), cp.toString());
            }
            JsonNode scanCp = list.get(0).path("log").asText().equals("scan_log") ? list.get(0) : list.get(1);
            assertEquals(1, scanCp.path("entries").asLong());
            ObjectNode forged = scanCp.deepCopy();
            forged.put("entries", 2);
            assertFalse(jdkVerifies(forged, key));
        }
    }

    @Test
    void verifyAgainstASavedCheckpointProvesGrowthAndCatchesRewritesAndForgeries() throws Exception {
        Path file = saved.resolve("checkpoints.json");
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("A", "01011112222");
            Device d = t.venueWithDevice("Cafe");
            for (int i = 0; i < 3; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
            t.clock.advance(Duration.ofDays(1));
            t.app.checkpointIfDue();
            Files.writeString(file, t.get("/api/checkpoints", null).body());
            for (int i = 0; i < 2; i++) {
                assertEquals(201, t.scan(d, t.pass(v)).status());
            }
        }
        Cli.Run grown = Cli.run("verify", "--data", dir.toString(), "--against", file.toString());
        assertEquals(0, grown.exit(), grown.out());
        assertTrue(grown.out().contains("only grew"), grown.out());

        JsonNode all = Json.MAPPER.readTree(file.toFile());
        JsonNode first = all.path("checkpoints").get(0);
        ObjectNode forged = (ObjectNode) (first.path("log").asText().equals("scan_log") ? first
                : all.path("checkpoints").get(1)).deepCopy();
        forged.put("head", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));
        Path forgedFile = saved.resolve("forged.json");
        Files.writeString(forgedFile, Json.write(forged));
        Cli.Run bad = Cli.run("verify", "--data", dir.toString(), "--against", forgedFile.toString());
        assertEquals(1, bad.exit(), bad.out());
        assertTrue(bad.out().contains("signature is not valid"), bad.out());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement()) {
            // rewrite the whole chain consistently from entry 2 on, as an attacker with the file could:
            // the plain walk can no longer notice, the saved checkpoint does
            s.execute("DROP TRIGGER scan_log_no_update");
            s.executeUpdate("UPDATE scan_log SET direction = 1 WHERE seq = 2");
        }
        Cli.Run rewritten = Cli.run("verify", "--data", dir.toString(), "--against", file.toString());
        assertEquals(1, rewritten.exit());
        assertTrue(rewritten.out().contains("was rewritten after the checkpoint") || rewritten.out().contains("altered"),
                rewritten.out());
    }
}
