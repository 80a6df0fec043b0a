package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.entrylog.web.Tls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code serve} prints when it starts: every page, and the fingerprint a tablet operator compares. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void theStartLineNamesEveryPageAndTheLocalAuthoritysFingerprint() throws Exception {
        Tls.Material tls = Tls.selfSigned(dir);
        Map<String, Object> out = ServeCommand.started("https://10.0.0.2:7070", 7070, dir.toString(), tls);
        @SuppressWarnings("unchecked")
        Map<String, Object> pages = (Map<String, Object>) out.get("pages");
        assertEquals(Map.of("visitor", "https://10.0.0.2:7070/pass", "card", "https://10.0.0.2:7070/card",
                "scanner", "https://10.0.0.2:7070/scan", "official", "https://10.0.0.2:7070/console",
                "owner", "https://10.0.0.2:7070/venue", "transparency", "https://10.0.0.2:7070/transparency",
                "ca", "https://10.0.0.2:7070/ca"), pages);
        // the authority's fingerprint, as /ca shows it: SHA-256 of the DER certificate that /ca.crt serves
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Tls.der(tls.authority())));
        assertEquals(expected.replace(":", "").toLowerCase(),
                String.valueOf(out.get("caFingerprintSha256")).replace(":", "").toLowerCase());
        assertEquals(tls.authority().toString(), out.get("caCertificate"));
        assertNotEquals(out.get("caFingerprintSha256"), out.get("tlsFingerprintSha256"),
                "the server certificate's fingerprint is a different one");
    }

    @Test
    void withoutHttpsThereIsNoCertificateAndNoCaPage() {
        Map<String, Object> out = ServeCommand.started("http://localhost:7070", 7070, dir.toString(), null);
        @SuppressWarnings("unchecked")
        Map<String, Object> pages = (Map<String, Object>) out.get("pages");
        assertFalse(pages.containsKey("ca"));
        assertEquals("http://localhost:7070/venue", pages.get("owner"));
        assertFalse(out.containsKey("tlsFingerprintSha256") || out.containsKey("caFingerprintSha256"));
    }
}
