package org.entrylog.web;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
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
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.entrylog.store.FilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for the pages: tablet browsers open the camera only in a secure context, and register
 * the scanner's service worker (its offline reload) only over a certificate they trust. Either
 * a configured PEM certificate and key, or ({@code ENTRYLOG_TLS=self-signed}) a local certificate
 * authority made once with BouncyCastle in the data folder ({@code tls/}) and a server
 * certificate it signs, naming the public URL's host, {@code localhost} and every address of this
 * machine, so that a tablet that installed the authority (page {@code /ca}) opens
 * {@code https://<server-ip>} without a warning (issue 13, item 5).
 *
 * <p>The authority's key is owner-only, like the other keys of the data folder
 * (docs/threat-model.md T36): whoever holds it can make certificates that the venue's tablets
 * trust, for any name.
 * The authority lives {@value #AUTHORITY_YEARS} years, so tablets install it once; the server
 * certificate lives {@value #SERVER_DAYS} days (Apple's limit for any TLS certificate is 825),
 * and is issued again at start when the names change or it has under 30 days left.
 */
public final class Tls {
    private static final Logger LOG = LoggerFactory.getLogger(Tls.class);
    public static final String CERT_FILE = "server-cert.pem";
    public static final String KEY_FILE = "server-key.pem";
    public static final String AUTHORITY_CERT_FILE = "ca-cert.pem";
    public static final String AUTHORITY_KEY_FILE = "ca-key.pem";
    static final int AUTHORITY_YEARS = 20;
    static final int SERVER_DAYS = 397;
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final char[] NO_PASSWORD = "entrylog".toCharArray();

    /**
     * A key store for Jetty, and the certificate's fingerprint for people; with a local
     * authority also its certificate file and fingerprint (else null).
     */
    public record Material(KeyStore keyStore, char[] password, String fingerprint, Path certificate,
            Path authority, String authorityFingerprint) {}

    private Tls() {}

    public static Material fromPem(Path certFile, Path keyFile) {
        try {
            List<X509Certificate> chain = readCertificates(certFile);
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
            return material(key, chain.toArray(new X509Certificate[0]), certFile, null);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the TLS certificate or key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot use the TLS certificate or key: " + e.getMessage(), e);
        }
    }

    /** The data folder's local authority and server certificate, for localhost and this machine's addresses. */
    public static Material selfSigned(Path dataDir) {
        return selfSigned(dataDir, null);
    }

    /**
     * The data folder's local authority (made on first use, then kept) and a server certificate
     * it signed for {@link #names(String) these names}, issued again when they change.
     */
    public static Material selfSigned(Path dataDir, String publicUrl) {
        Path dir = dataDir.resolve("tls");
        Path caCert = dir.resolve(AUTHORITY_CERT_FILE);
        Path caKey = dir.resolve(AUTHORITY_KEY_FILE);
        Path cert = dir.resolve(CERT_FILE);
        Path key = dir.resolve(KEY_FILE);
        try {
            Files.createDirectories(dir);
            FilePermissions.ownerOnly(dir);
            if (!Files.exists(caCert) || !Files.exists(caKey)) {
                makeAuthority(caCert, caKey);
            }
            X509Certificate ca = readCertificates(caCert).get(0);
            Set<String> names = names(publicUrl);
            if (!current(cert, key, ca, names)) {
                issue(ca, readKey(caKey), names, cert, key);
                LOG.info("HTTPS certificate issued by the local authority for {}", names);
            }
            Material server = fromPem(cert, key);
            Material m = new Material(server.keyStore(), server.password(), server.fingerprint(), cert, caCert, fingerprint(ca));
            LOG.info("local certificate authority {} has SHA-256 fingerprint {}: install it on the tablets from /ca",
                    caCert, m.authorityFingerprint());
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot make the local certificate authority or certificate: " + e.getMessage(), e);
        }
    }

    /**
     * What the server certificate names, as {@code DNS:x} and {@code IP:x}: {@code localhost},
     * the loopback addresses, the host of the public URL, and every address of every interface
     * that is up (tablets open {@code https://<server-ip>}); IPv6 link-local addresses are left
     * out (a URL cannot carry their zone).
     */
    public static Set<String> names(String publicUrl) {
        Set<String> names = new TreeSet<>(List.of("DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1"));
        if (publicUrl != null && !publicUrl.isBlank()) {
            String host = URI.create(publicUrl).getHost();
            if (host != null && !host.isEmpty()) {
                names.add(ipLiteral(host) ? "IP:" + normalIp(host) : "DNS:" + host.toLowerCase(Locale.ROOT));
            }
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (!a.isLinkLocalAddress()) {
                        names.add("IP:" + normalIp(a.getHostAddress()));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list this machine's addresses ({}); the certificate names localhost only", e.getMessage());
        }
        return names;
    }

    private static boolean ipLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+") || host.contains(":");
    }

    /** One spelling per address (a literal is parsed, never looked up): "::1" and "0:0:…:1" are one. */
    private static String normalIp(String literal) {
        String s = literal.replace("[", "").replace("]", "");
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        try {
            return InetAddress.getByName(s).getHostAddress();
        } catch (IOException e) {
            return s;
        }
    }

    private static void makeAuthority(Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "server";
        }
        X500Name name = new X500NameBuilder().addRDN(BCStyle.O, "entrylog")
                .addRDN(BCStyle.CN, "entrylog local authority (" + host + ", " + now.toString().substring(0, 10) + ")").build();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        var builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(365L * AUTHORITY_YEARS))), name, kp.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        FilePermissions.writeOwnerOnly(keyFile, pem(new PemObject("PRIVATE KEY", kp.getPrivate().getEncoded()))
                .getBytes(StandardCharsets.US_ASCII));
        Files.writeString(certFile, pem(c), StandardCharsets.US_ASCII);
        LOG.info("local certificate authority made in {}", certFile.getParent());
    }

    /** True when the server certificate exists, was signed by {@code ca}, names exactly {@code names} and has a month left. */
    private static boolean current(Path cert, Path key, X509Certificate ca, Set<String> names) throws IOException {
        if (!Files.exists(cert) || !Files.exists(key)) {
            return false;
        }
        try {
            X509Certificate c = readCertificates(cert).get(0);
            c.verify(ca.getPublicKey());
            if (c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return false;
            }
            Set<String> has = new TreeSet<>();
            for (List<?> n : c.getSubjectAlternativeNames()) {
                int type = (Integer) n.get(0);
                if (type == GeneralName.dNSName) {
                    has.add("DNS:" + n.get(1));
                } else if (type == GeneralName.iPAddress) {
                    has.add("IP:" + normalIp((String) n.get(1)));
                }
            }
            return has.equals(names);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false; // unreadable, or from another authority: issue a new one
        }
    }

    private static void issue(X509Certificate ca, PrivateKey caKey, Set<String> names, Path certFile, Path keyFile)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair kp = ecKeyPair();
        Instant now = Instant.now();
        List<GeneralName> san = new ArrayList<>();
        for (String n : names) {
            san.add(n.startsWith("IP:") ? new GeneralName(GeneralName.iPAddress, n.substring(3))
                    : new GeneralName(GeneralName.dNSName, n.substring(4)));
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        var builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(SERVER_DAYS))), new X500Name("CN=entrylog"), kp.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(new GeneralName[0])));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        FilePermissions.writeOwnerOnly(keyFile, pem(new PemObject("PRIVATE KEY", kp.getPrivate().getEncoded()))
                .getBytes(StandardCharsets.US_ASCII));
        // the chain: the server certificate, then the authority's
        Files.writeString(certFile, pem(c) + pem(ca), StandardCharsets.US_ASCII);
    }

    private static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            Object o;
            while ((o = p.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(conv.getCertificate(h));
                }
            }
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) throws IOException {
        try (PEMParser p = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            return new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) p.readObject());
        }
    }

    /** The DER bytes of the first certificate in a PEM file (what {@code /ca.crt} serves). */
    public static byte[] der(Path pemFile) {
        try {
            return readCertificates(pemFile).get(0).getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /** SHA-256 over the certificate's DER bytes, as the tablets' certificate screens show it. */
    public static String fingerprint(X509Certificate c) throws GeneralSecurityException {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    }

    private static Material material(PrivateKey key, X509Certificate[] chain, Path certFile, Path authority)
            throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("entrylog", key, NO_PASSWORD, chain);
        return new Material(ks, NO_PASSWORD, fingerprint(chain[0]), certFile, authority, null);
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }
}
