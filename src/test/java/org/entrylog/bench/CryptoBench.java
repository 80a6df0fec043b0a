package org.entrylog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.entrylog.common.Ids;
import org.entrylog.pass.PassBundles;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.PassToken;
import org.entrylog.pass.QrRenderer;
import org.entrylog.pass.SigningKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ed25519 on a pass: signing and verifying the 55 signed bytes with BouncyCastle (what the server
 * uses) and verifying with the JDK's own provider, plus the whole {@code PassCodec.issue} and
 * {@code verify} (signature, AES-CTR pseudonym, encoding). One thread, operations per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CryptoBench {
    private static final byte[] X509_ED25519_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private SigningKeys.Key key;
    private PassCodec codec;
    private byte[] message;
    private byte[] signature;
    private PublicKey jdkKey;
    private String token;
    private byte[] visitor;
    private PassBundles bundles;

    @Setup
    public void setup() throws Exception {
        Path dir = Files.createTempDirectory("entrylog-cryptobench");
        SigningKeys keys = SigningKeys.openOrCreate(dir, Clock.systemUTC());
        key = keys.active();
        codec = new PassCodec(keys, PassCodec.pseudonymKey(dir));
        visitor = Ids.newId();
        token = codec.issue(visitor, Instant.now(), 30);
        bundles = new PassBundles(codec, new QrRenderer(), Clock.systemUTC(), java.time.Duration.ofMinutes(10),
                java.time.Duration.ofHours(24));
        message = java.util.Arrays.copyOf(Ids.decode(token, PassToken.LENGTH), PassToken.SIGNED_LENGTH);
        signature = SigningKeys.sign(key, message, 0, message.length);
        byte[] raw = key.publicKey().getEncoded();
        byte[] spki = new byte[X509_ED25519_PREFIX.length + raw.length];
        System.arraycopy(X509_ED25519_PREFIX, 0, spki, 0, X509_ED25519_PREFIX.length);
        System.arraycopy(raw, 0, spki, X509_ED25519_PREFIX.length, raw.length);
        jdkKey = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        if (!verifyJdk() || !verifyBouncyCastle()) {
            throw new IllegalStateException("the signature does not verify");
        }
    }

    @Benchmark
    public byte[] signBouncyCastle() {
        return SigningKeys.sign(key, message, 0, message.length);
    }

    @Benchmark
    public boolean verifyBouncyCastle() {
        Ed25519PublicKeyParameters pub = key.publicKey();
        return SigningKeys.verify(pub, message, 0, message.length, signature);
    }

    @Benchmark
    public boolean verifyJdk() throws Exception {
        Signature s = Signature.getInstance("Ed25519");
        s.initVerify(jdkKey);
        s.update(message);
        return s.verify(signature);
    }

    @Benchmark
    public String passIssue() {
        return codec.issue(visitor, Instant.now(), 30);
    }

    @Benchmark
    public PassToken passVerify() {
        return codec.verify(token);
    }

    /** A whole offline bundle: 144 slot passes (10-minute slots for 24 h), each signed and drawn as a QR. */
    @Benchmark
    public PassBundles.Bundle passBundle() {
        return bundles.issue(visitor);
    }
}
