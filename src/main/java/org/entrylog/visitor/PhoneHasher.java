package org.entrylog.visitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.entrylog.common.Ids;
import org.entrylog.store.FilePermissions;

/**
 * The keyed hash that lets an official find a case by phone number without the server storing
 * the number: HMAC-SHA256 under a server secret of the E.164 form. Keyed, so a thief of the
 * database alone cannot hash every possible number to reverse it.
 */
public final class PhoneHasher {
    public static final String KEY_FILE = "phone-hmac.key";
    private final SecretKeySpec key;

    public PhoneHasher(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The key of a data folder, made on first use (owner-only). */
    public static PhoneHasher forDataDir(Path dataDir) {
        try {
            Path file = dataDir.resolve("keys").resolve(KEY_FILE);
            Files.createDirectories(file.getParent());
            FilePermissions.ownerOnly(file.getParent());
            if (!Files.exists(file)) {
                FilePermissions.writeOwnerOnly(file, Ids.encode(Ids.randomBytes(32)).getBytes(StandardCharsets.US_ASCII));
            }
            byte[] k = Ids.decode(Files.readString(file).strip(), 32);
            if (k == null) {
                throw new IllegalStateException(file + " is damaged");
            }
            return new PhoneHasher(k);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] hash(String e164) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(e164.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "PhoneHasher[key=REDACTED]";
    }
}
