package org.entrylog.web;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.entrylog.store.FilePermissions;

/**
 * HTTPS for the pages: tablet browsers open the camera only in a secure context. Either a
 * configured PEM certificate and key, or a self-signed certificate made with BouncyCastle in the
 * data folder ({@code tls/}), kept across restarts, whose SHA-256 fingerprint staff can compare.
 */
public final class Tls {
    public static final String CERT_FILE = "self-signed-cert.pem";
    public static final String KEY_FILE = "self-signed-key.pem";
    private static final char[] NO_PASSWORD = "entrylog".toCharArray();

    /** A key store for Jetty, and the certificate's fingerprint for people. */
    public record Material(KeyStore keyStore, char[] password, String fingerprint, Path certificate) {}

    private Tls() {}

    public static Material fromPem(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            try (PEMParser p = new PEMParser(Files.newBufferedReader(certFile, StandardCharsets.US_ASCII))) {
                Object o;
                while ((o = p.readObject()) != null) {
                    if (o instanceof X509CertificateHolder h) {
                        chain.add(conv.getCertificate(h));
                    }
                }
            }
            if (chain.isEmpty()) {
                throw new IllegalStateException("ENTRYLOG_TLS_CERT " + certFile + " holds no PEM certificate");
            }
            PrivateKey key;
            try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
                Object o = p.readObject();
                JcaPEMKeyConverter kc = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair kp) {
                    key = kc.getPrivateKey(kp.getPrivateKeyInfo());
                } else if (o instanceof PrivateKeyInfo pki) {
                    key = kc.getPrivateKey(pki);
                } else {
                    throw new IllegalStateException("ENTRYLOG_TLS_KEY " + keyFile + " holds no unencrypted PEM private key");
                }
            }
            return material(key, chain.toArray(new X509Certificate[0]), certFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the TLS certificate or key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot use the TLS certificate or key: " + e.getMessage(), e);
        }
    }

    /** The data folder's self-signed certificate, made on first use. */
    public static Material selfSigned(Path dataDir) {
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        try {
            if (!Files.exists(cert) || !Files.exists(key)) {
                Files.createDirectories(dir);
                FilePermissions.ownerOnly(dir);
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
                KeyPair kp = g.generateKeyPair();
                Instant now = Instant.now();
                X500Name name = new X500Name("CN=entrylog (self-signed)");
                var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(825))), name,
                        kp.getPublic());
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
                X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
                FilePermissions.writeOwnerOnly(key, pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY",
                        kp.getPrivate().getEncoded())).getBytes(StandardCharsets.US_ASCII));
                Files.writeString(cert, pem(c), StandardCharsets.US_ASCII);
            }
            return fromPem(cert, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("Cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static Material material(PrivateKey key, X509Certificate[] chain, Path certFile)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("entrylog", key, NO_PASSWORD, chain);
        String fp = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded()));
        return new Material(ks, NO_PASSWORD, fp, certFile);
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }
}
