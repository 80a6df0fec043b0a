package org.entrylog.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings come from the data folder's file and the environment, and a bad one is named at start. */
class ConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() {
        Config c = Config.load(Map.of(), dir);
        assertEquals(7070, c.port());
        assertEquals(30, c.tokenTtl().toSeconds());
        assertEquals(28, c.retentionDays());
        assertEquals(365, c.auditRetentionDays());
        assertEquals("KR", c.defaultCountry());
        assertTrue(c.rateLimits());
        assertEquals("http://localhost:7070", c.publicUrl(7070));
    }

    @Test
    void theFileIsReadAndTheEnvironmentWins() throws Exception {
        Files.writeString(dir.resolve(Config.FILE), "ENTRYLOG_RETENTION_DAYS=21\nENTRYLOG_PORT=8080\nENTRYLOG_RATE_LIMIT_SCAN=5/1s\n");
        Config c = Config.load(Map.of("ENTRYLOG_PORT", "9090"), dir);
        assertEquals(21, c.retentionDays());
        assertEquals(9090, c.port());
        assertEquals(5, c.limits().get("scan").burst());
        assertEquals(dir, c.dataDir());
    }

    @Test
    void aBadValueIsRefusedNamingTheSetting() throws Exception {
        var e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("ENTRYLOG_TOKEN_TTL_SECONDS", "0"), dir));
        assertTrue(e.getMessage().contains("ENTRYLOG_TOKEN_TTL_SECONDS"), e.getMessage());
        e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("ENTRYLOG_RATE_LIMIT_SCAN", "lots"), dir));
        assertTrue(e.getMessage().contains("ENTRYLOG_RATE_LIMIT_SCAN"), e.getMessage());
        e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("ENTRYLOG_DEFAULT_COUNTRY", "Korea"), dir));
        assertTrue(e.getMessage().contains("ENTRYLOG_DEFAULT_COUNTRY"));
        e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of("ENTRYLOG_RETENTION_DAYS", "1"), dir));
        assertTrue(e.getMessage().contains("ENTRYLOG_OFFLINE_WINDOW_HOURS"), e.getMessage());
        Files.writeString(dir.resolve(Config.FILE), "ENTRYLOG_RETENTON_DAYS=21\n");
        e = assertThrows(Config.ConfigException.class, () -> Config.load(Map.of(), dir));
        assertTrue(e.getMessage().contains("ENTRYLOG_RETENTON_DAYS"), e.getMessage());
    }

    @Test
    void theDescriptionHoldsNoSecrets() {
        String d = Config.load(Map.of("ENTRYLOG_TLS", "self-signed"), dir).describe().toString();
        assertTrue(d.contains("retentionDays=28"));
        assertFalse(d.toLowerCase().contains("secret"));
    }
}
