package org.entrylog.visitor;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.entrylog.store.FilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health authority's X25519 key, in PEM: the public half (SubjectPublicKeyInfo) seals
 * identities on the server; the private half (PKCS#8, RFC 8410) never needs to be on it.
 */
public final class AuthorityKey {
    public static final String PUBLIC_FILE = "authority-public.pem";
    public static final String PRIVATE_FILE = "authority-private.pem";
    private static final Logger LOG = LoggerFactory.getLogger(AuthorityKey.class);

    private AuthorityKey() {}

    /**
     * The configured public key, or, when none is configured, the demo pair of the data folder
     * (made on first start, with a loud warning: the operator then holds the private key too).
     */
    public static X25519PublicKeyParameters load(Path configured, Path dataDir) {
        try {
            if (configured != null) {
                return readPublic(Files.readString(configured, StandardCharsets.US_ASCII));
            }
            Path pub = dataDir.resolve(PUBLIC_FILE);
            Path priv = dataDir.resolve(PRIVATE_FILE);
            if (!Files.exists(pub)) {
                X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(new SecureRandom());
                Files.createDirectories(dataDir);
                FilePermissions.writeOwnerOnly(priv, privatePem(sk).getBytes(StandardCharsets.US_ASCII));
                // written whole or not at all: the public file is what marks the pair as made, so a
                // crash half-way through must not leave a truncated one that blocks every later start
                Path tmp = pub.resolveSibling(PUBLIC_FILE + ".tmp");
                Files.writeString(tmp, publicPem(sk.generatePublicKey()), StandardCharsets.US_ASCII);
                Files.move(tmp, pub, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("DEMO AUTHORITY KEY: no ENTRYLOG_AUTHORITY_PUBLIC_KEY was set, so a demo key pair was written to "
                        + "{} and {}. Whoever holds this data folder can open visitor identities. For trials only: set "
                        + "ENTRYLOG_AUTHORITY_PUBLIC_KEY to the health authority's public key in production.", pub, priv);
            } else {
                LOG.warn("DEMO AUTHORITY KEY in use ({}): for trials only; set ENTRYLOG_AUTHORITY_PUBLIC_KEY in production.", pub);
            }
            return readPublic(Files.readString(pub, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the authority public key: " + e.getMessage(), e);
        }
    }

    public static X25519PublicKeyParameters readPublic(String pem) throws IOException {
        Object o = parse(new StringReader(pem));
        if (o instanceof SubjectPublicKeyInfo spki) {
            AsymmetricKeyParameter k = PublicKeyFactory.createKey(spki);
            if (k instanceof X25519PublicKeyParameters x) {
                return x;
            }
        }
        throw new IOException("not an X25519 public key (expected a PEM 'PUBLIC KEY', RFC 8410)");
    }

    public static X25519PrivateKeyParameters readPrivate(String pem) throws IOException {
        Object o = parse(new StringReader(pem));
        if (o instanceof PrivateKeyInfo pki) {
            AsymmetricKeyParameter k = PrivateKeyFactory.createKey(pki);
            if (k instanceof X25519PrivateKeyParameters x) {
                return x;
            }
        }
        throw new IOException("not an X25519 private key (expected a PEM 'PRIVATE KEY', PKCS#8 / RFC 8410)");
    }

    public static String publicPem(X25519PublicKeyParameters pk) throws IOException {
        return pem("PUBLIC KEY", SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pk).getEncoded());
    }

    public static String privatePem(X25519PrivateKeyParameters sk) throws IOException {
        return pem("PRIVATE KEY", PrivateKeyInfoFactory.createPrivateKeyInfo(sk).getEncoded());
    }

    private static Object parse(Reader r) throws IOException {
        try (PEMParser p = new PEMParser(r)) {
            return p.readObject();
        }
    }

    private static String pem(String type, byte[] der) throws IOException {
        StringWriter sw = new StringWriter();
        try (PemWriter w = new PemWriter(sw)) {
            w.writeObject(new PemObject(type, der));
        }
        return sw.toString();
    }
}
