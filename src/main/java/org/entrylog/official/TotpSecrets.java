package org.entrylog.official;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.entrylog.common.Ids;
import org.entrylog.store.KeyFiles;

/**
 * Keeps officials' TOTP secrets encrypted in the database (AES-256-GCM under
 * {@code keys/totp.key} in the data folder, owner-only). A TOTP secret is a shared secret, not a
 * hash: whoever reads it can make codes. Encrypting it means a copy of the database alone (a backup,
 * a stolen file; {@code backup} leaves {@code keys/} out) does not carry the second factor next to
 * the password hashes. Whoever holds the whole data folder holds the key too; against them the
 * second factor cannot be protected by the server that must check it.
 *
 * <p>The username is the associated data, so a ciphertext moved to another account's row does not
 * decrypt there.
 */
public final class TotpSecrets {
    public static final String KEY_FILE = "totp.key";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte[] CONTEXT = "entrylog totp v1\0".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    TotpSecrets(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key of a data folder, made on first use (owner-only). */
    public static TotpSecrets forDataDir(Path dataDir) {
        return new TotpSecrets(KeyFiles.key32(dataDir, KEY_FILE));
    }

    /** nonce ‖ AES-GCM(secret), bound to the username. */
    public byte[] seal(String username, byte[] secret) {
        byte[] nonce = Ids.randomBytes(NONCE_BYTES);
        byte[] ct = run(Cipher.ENCRYPT_MODE, nonce, username, secret);
        return ByteBuffer.allocate(NONCE_BYTES + ct.length).put(nonce).put(ct).array();
    }

    /** The secret, or null when the stored value does not decrypt under this key for this user. */
    public byte[] open(String username, byte[] sealed) {
        if (sealed == null || sealed.length <= NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            return run(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES), username,
                    Arrays.copyOfRange(sealed, NONCE_BYTES, sealed.length));
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private byte[] run(int mode, byte[] nonce, String username, byte[] input) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(CONTEXT);
            c.updateAAD(username.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TOTP secret does not decrypt", e);
        }
    }

    @Override
    public String toString() {
        return "TotpSecrets[key=REDACTED]";
    }
}
