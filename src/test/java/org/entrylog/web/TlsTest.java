package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.entrylog.Entrylog;
import org.entrylog.config.Config;
import org.entrylog.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a local authority and a certificate it signs, made in the data folder and kept across restarts. */
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
            // only the local authority is trusted: the server's certificate must chain to it
            trust.setCertificateEntry("entrylog", read(app.tls().authority()));
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
            String ip = org.entrylog.testing.Addresses.nonLoopback();
            if (ip != null) { // a tablet opens the server at its address on the venue's network
                HttpResponse<byte[]> ca = client.send(HttpRequest.newBuilder(
                        URI.create("https://" + ip + ":" + app.server().port() + "/ca.crt")).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, ca.statusCode());
                assertEquals("application/x-x509-ca-cert", ca.headers().firstValue("Content-Type").orElse(""));
                assertArrayEquals(read(app.tls().authority()).getEncoded(), ca.body());
            }
        }
        try (Entrylog again = start()) {
            assertEquals(first, again.tls().fingerprint(), "the certificate is kept across restarts");
        }
    }

    @Test
    void theLocalAuthorityIsKeptAndItsServerCertificateNamesThisMachineAndIsIssuedAgainWhenTheNamesChange() throws Exception {
        Tls.Material first = Tls.selfSigned(dir, "https://entry.example.org:8443");
        X509Certificate ca = read(first.authority());
        assertTrue(ca.getBasicConstraints() >= 0, "the authority is a CA");
        assertTrue(ca.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(365L * 19))), "long-lived");
        assertEquals(first.authorityFingerprint(), Tls.fingerprint(ca));
        Path caKey = dir.resolve("tls").resolve(Tls.AUTHORITY_KEY_FILE);
        if (Files.getFileStore(caKey).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caKey)), "the key is owner-only");
        }
        X509Certificate server = read(first.certificate());
        server.verify(ca.getPublicKey());
        assertTrue(server.getBasicConstraints() < 0, "the server certificate is no CA");
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "for TLS servers");
        assertTrue(Duration.between(server.getNotBefore().toInstant(), server.getNotAfter().toInstant()).toDays() <= 825,
                "iPadOS refuses longer-lived TLS certificates");
        Set<String> names = names(server);
        assertTrue(names.containsAll(Set.of("entry.example.org", "localhost", "127.0.0.1")), names.toString());
        String ip = org.entrylog.testing.Addresses.nonLoopback();
        if (ip != null) {
            assertTrue(names.contains(ip), "names " + ip + ": " + names);
        }

        Tls.Material again = Tls.selfSigned(dir, "https://entry.example.org:8443");
        assertEquals(first.fingerprint(), again.fingerprint(), "the same names: the certificate is kept");

        Tls.Material moved = Tls.selfSigned(dir, "https://192.0.2.10:7443");
        assertNotEquals(first.fingerprint(), moved.fingerprint(), "another public URL: a new certificate");
        assertEquals(first.authorityFingerprint(), moved.authorityFingerprint(), "from the same authority");
        assertTrue(names(read(moved.certificate())).contains("192.0.2.10"));
        assertFalse(names(read(moved.certificate())).contains("entry.example.org"));
    }

    private static X509Certificate read(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static Set<String> names(X509Certificate c) throws Exception {
        Set<String> out = new java.util.TreeSet<>();
        for (List<?> n : c.getSubjectAlternativeNames()) {
            out.add(String.valueOf(n.get(1)));
        }
        return out;
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
