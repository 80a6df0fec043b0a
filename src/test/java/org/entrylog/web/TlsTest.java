package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.entrylog.Entrylog;
import org.entrylog.config.Config;
import org.entrylog.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a self-signed certificate made in the data folder and kept across restarts. */
class TlsTest {
    @TempDir
    Path dir;

    private Entrylog start() {
        Entrylog app = Entrylog.open(Config.from(Map.of("ENTRYLOG_DATA", dir.toString(), "ENTRYLOG_PORT", "0",
                "ENTRYLOG_TLS", "self-signed")), MutableClock.at("2026-03-02T09:00:00Z"));
        app.start();
        return app;
    }

    @Test
    void selfSignedHttpsServesTheApiAndKeepsItsCertificate() throws Exception {
        String first;
        try (Entrylog app = start()) {
            first = app.tls().fingerprint();
            assertTrue(first.matches("([0-9A-F]{2}:){31}[0-9A-F]{2}"), first);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(app.tls().certificate())) {
                trust.setCertificateEntry("entrylog", (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + app.server().port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("{\"status\":\"ok\""), r.body());
        }
        try (Entrylog again = start()) {
            assertEquals(first, again.tls().fingerprint(), "the certificate is kept across restarts");
        }
    }

    @Test
    void aConfiguredPemCertificateAndKeyAreUsed(@TempDir Path other) throws Exception {
        Tls.Material made = Tls.selfSigned(other); // any PEM pair will do: reuse the generator's files
        Path cert = other.resolve("tls").resolve(Tls.CERT_FILE);
        Path key = other.resolve("tls").resolve(Tls.KEY_FILE);
        try (Entrylog app = Entrylog.open(Config.from(Map.of("ENTRYLOG_DATA", dir.toString(), "ENTRYLOG_PORT", "0",
                "ENTRYLOG_TLS_CERT", cert.toString(), "ENTRYLOG_TLS_KEY", key.toString())),
                MutableClock.at("2026-03-02T09:00:00Z"))) {
            app.start();
            assertEquals(made.fingerprint(), app.tls().fingerprint());
            assertTrue(Files.notExists(dir.resolve("tls")), "no self-signed certificate is made when one is configured");
        }
        Config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(Config.ConfigException.class,
                () -> Config.from(Map.of("ENTRYLOG_DATA", dir.toString(), "ENTRYLOG_TLS_CERT", cert.toString())));
        assertTrue(e.getMessage().contains("ENTRYLOG_TLS_KEY"));
    }
}
