package org.entrylog.visitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.junit.jupiter.api.Test;

/**
 * An outside tool can open a sealed identity: RFC 9180 base mode written out here from the RFC's
 * own definitions on the JDK's X25519, HMAC-SHA256 and ChaCha20-Poly1305 — no BouncyCastle — opens
 * what the server sealed.
 */
class HpkeInteropTest {
    private static final byte[] KEM_SUITE = concat("KEM".getBytes(StandardCharsets.US_ASCII), new byte[] {0x00, 0x20});
    private static final byte[] HPKE_SUITE = concat("HPKE".getBytes(StandardCharsets.US_ASCII),
            new byte[] {0x00, 0x20, 0x00, 0x01, 0x00, 0x03});

    @Test
    void anIndependentRfc9180ImplementationOpensTheSealedIdentity() throws Exception {
        X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(new java.security.SecureRandom());
        byte[] sealed = new IdentitySealer(sk.generatePublicKey()).seal(new IdentitySealer.Identity("김민수", "+821012345678"));
        byte[] pt = open(sealed, sk.getEncoded(), sk.generatePublicKey().getEncoded(),
                "entrylog identity v1".getBytes(StandardCharsets.US_ASCII));
        assertEquals("{\"name\":\"김민수\",\"phone\":\"+821012345678\"}", new String(pt, StandardCharsets.UTF_8));
    }

    static byte[] open(byte[] sealed, byte[] skR, byte[] pkR, byte[] info) throws Exception {
        byte[] enc = Arrays.copyOf(sealed, 32);
        byte[] ct = Arrays.copyOfRange(sealed, 32, sealed.length);
        // DHKEM(X25519, HKDF-SHA256) Decap
        byte[] dh = x25519(skR, enc);
        byte[] kemContext = concat(enc, pkR);
        byte[] eaePrk = labeledExtract(KEM_SUITE, new byte[0], "eae_prk", dh);
        byte[] shared = labeledExpand(KEM_SUITE, eaePrk, "shared_secret", kemContext, 32);
        // KeySchedule, mode_base, HKDF-SHA256, ChaCha20-Poly1305
        byte[] pskIdHash = labeledExtract(HPKE_SUITE, new byte[0], "psk_id_hash", new byte[0]);
        byte[] infoHash = labeledExtract(HPKE_SUITE, new byte[0], "info_hash", info);
        byte[] context = concat(new byte[] {0x00}, concat(pskIdHash, infoHash));
        byte[] secret = labeledExtract(HPKE_SUITE, shared, "secret", new byte[0]);
        byte[] key = labeledExpand(HPKE_SUITE, secret, "key", context, 32);
        byte[] nonce = labeledExpand(HPKE_SUITE, secret, "base_nonce", context, 12);
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return c.doFinal(ct); // empty AAD
    }

    private static byte[] x25519(byte[] scalar, byte[] uCoordinate) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("XDH");
        PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        byte[] le = uCoordinate.clone();
        for (int i = 0; i < le.length / 2; i++) {
            byte t = le[i];
            le[i] = le[le.length - 1 - i];
            le[le.length - 1 - i] = t;
        }
        PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, le)));
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(priv);
        ka.doPhase(pub, true);
        return ka.generateSecret();
    }

    private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm) throws Exception {
        byte[] labeled = concat(concat("HPKE-v1".getBytes(StandardCharsets.US_ASCII), suite),
                concat(label.getBytes(StandardCharsets.US_ASCII), ikm));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
        return mac.doFinal(labeled);
    }

    private static byte[] labeledExpand(byte[] suite, byte[] prk, String label, byte[] info, int length) throws Exception {
        byte[] labeledInfo = concat(new byte[] {(byte) (length >> 8), (byte) length},
                concat(concat("HPKE-v1".getBytes(StandardCharsets.US_ASCII), suite),
                        concat(label.getBytes(StandardCharsets.US_ASCII), info)));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int i = 1; out.size() < length; i++) {
            mac.update(t);
            mac.update(labeledInfo);
            mac.update((byte) i);
            t = mac.doFinal();
            out.writeBytes(t);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
