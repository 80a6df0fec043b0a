package org.entrylog.visitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * Seals a visitor's identity to the health authority with HPKE (RFC 9180): base mode,
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, info {@code entrylog identity v1},
 * empty AAD. The sealed form is {@code enc ‖ ciphertext}; the plaintext is the UTF-8 JSON
 * {@code {"name":…,"phone":…}} with the phone in E.164.
 *
 * <p>The server holds only the public key, so neither it nor its operator can open what it stores.
 */
public final class IdentitySealer {
    public static final byte[] INFO = "entrylog identity v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AAD = new byte[0];
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ENC_LENGTH = 32;

    /** A name and an E.164 phone number. */
    public record Identity(String name, String phone) {
        @Override
        public String toString() {
            return "Identity[REDACTED]";
        }
    }

    private final X25519PublicKeyParameters authority;

    public IdentitySealer(X25519PublicKeyParameters authority) {
        this.authority = authority;
    }

    private static HPKE suite() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_CHACHA20_POLY1305);
    }

    public byte[] seal(Identity id) {
        try {
            ObjectNode n = JSON.createObjectNode();
            n.put("name", id.name());
            n.put("phone", id.phone());
            byte[] pt = JSON.writeValueAsBytes(n);
            HPKEContextWithEncapsulation ctx = suite().setupBaseS(authority, INFO);
            byte[] enc = ctx.getEncapsulation();
            byte[] ct = ctx.seal(AAD, pt);
            byte[] sealed = Arrays.copyOf(enc, enc.length + ct.length);
            System.arraycopy(ct, 0, sealed, enc.length, ct.length);
            Arrays.fill(pt, (byte) 0);
            return sealed;
        } catch (IOException | InvalidCipherTextException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** Opens a sealed identity with the authority's private key (the offline {@code unseal} tool). */
    public static Identity open(byte[] sealed, X25519PrivateKeyParameters key) throws InvalidCipherTextException {
        if (sealed == null || sealed.length <= ENC_LENGTH) {
            throw new InvalidCipherTextException("sealed identity too short");
        }
        HPKE hpke = suite();
        AsymmetricCipherKeyPair pair = new AsymmetricCipherKeyPair(key.generatePublicKey(), key);
        byte[] enc = Arrays.copyOf(sealed, ENC_LENGTH);
        byte[] ct = Arrays.copyOfRange(sealed, ENC_LENGTH, sealed.length);
        byte[] pt = hpke.setupBaseR(enc, pair, INFO).open(AAD, ct);
        try {
            var n = JSON.readTree(pt);
            return new Identity(n.path("name").asText(), n.path("phone").asText());
        } catch (IOException e) {
            throw new InvalidCipherTextException("sealed identity is not JSON");
        }
    }
}
