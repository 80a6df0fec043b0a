package org.entrylog.pass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;
import org.entrylog.store.FilePermissions;

/**
 * Signs and checks passes.
 *
 * <p>The visitor id inside a pass is encrypted (AES-CTR under a server key, with the pass's random
 * token id as the counter block), so two passes of the same person look unrelated to anyone who
 * photographs them at a door: a QR code does not become a tracking cookie. The signature covers
 * the encrypted form.
 */
public final class PassCodec {
    public static final String PSEUDONYM_KEY_FILE = "pass-pseudonym.key";
    private static final long MAX_LIFETIME_SECONDS = 3600;

    private final SigningKeys keys;
    private final SecretKeySpec pseudonymKey;
    /** Cipher.getInstance looks the provider up every time; profiling showed it costing more than the signature check. */
    private static final ThreadLocal<Cipher> AES_CTR = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every JDK", e);
        }
    });

    public PassCodec(SigningKeys keys, byte[] pseudonymKey) {
        this.keys = keys;
        this.pseudonymKey = new SecretKeySpec(pseudonymKey, "AES");
    }

    /** The pseudonym key of a data folder, made on first use (owner-only). */
    public static byte[] pseudonymKey(Path dataDir) {
        try {
            Path file = dataDir.resolve("keys").resolve(PSEUDONYM_KEY_FILE);
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                FilePermissions.writeOwnerOnly(file, Ids.encode(Ids.randomBytes(16)).getBytes());
            }
            byte[] key = Ids.decode(Files.readString(file).strip(), 16);
            if (key == null) {
                throw new IllegalStateException(file + " is damaged");
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A signed pass for a visitor, valid from {@code issuedAt} for {@code ttlSeconds}. */
    public String issue(byte[] visitorId, Instant issuedAt, long ttlSeconds) {
        SigningKeys.Key key = keys.active();
        byte[] tokenId = Ids.newId();
        long iat = issuedAt.getEpochSecond();
        byte[] raw = PassToken.body(key.kidBytes(), tokenId, crypt(tokenId, visitorId), iat, iat + ttlSeconds);
        byte[] sig = SigningKeys.sign(key, raw, 0, PassToken.SIGNED_LENGTH);
        System.arraycopy(sig, 0, raw, PassToken.SIGNED_LENGTH, sig.length);
        return Ids.encode(raw);
    }

    /**
     * Parses and checks a pass: the signature is checked, with the key named by its kid and the
     * fixed algorithm, before any field is trusted (docs/threat-model.md T3–T5). Times are checked by the caller.
     *
     * @throws ApiException {@code token_malformed} (400) or {@code token_bad_signature} (422)
     */
    public PassToken verify(String text) {
        byte[] raw = PassToken.decodeText(text);
        byte[] kid = PassToken.slice(raw, 1, 6);
        SigningKeys.Key key = keys.byKidBytes(kid).orElseThrow(PassCodec::badSignature);
        byte[] sig = PassToken.slice(raw, PassToken.SIGNED_LENGTH, 64);
        if (!SigningKeys.verify(key.publicKey(), raw, 0, PassToken.SIGNED_LENGTH, sig)) {
            throw badSignature();
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 39, 16);
        long iat = b.getLong();
        long exp = b.getLong();
        if (exp <= iat || exp - iat > MAX_LIFETIME_SECONDS) {
            throw PassToken.malformed();
        }
        // A replaced key vouches only for passes it signed before it was replaced.
        if (key.retiredAt() != null && iat > key.retiredAt().getEpochSecond()) {
            throw badSignature();
        }
        byte[] tokenId = PassToken.slice(raw, 7, 16);
        byte[] visitorId = crypt(tokenId, PassToken.slice(raw, 23, 16));
        return new PassToken(kid, tokenId, visitorId, Instant.ofEpochSecond(iat), Instant.ofEpochSecond(exp));
    }

    private static ApiException badSignature() {
        return new ApiException(ErrorCode.TOKEN_BAD_SIGNATURE, "This pass was not issued by this server.");
    }

    private byte[] crypt(byte[] tokenId, byte[] data) {
        try {
            Cipher c = AES_CTR.get();
            c.init(Cipher.ENCRYPT_MODE, pseudonymKey, new IvParameterSpec(tokenId));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every JDK", e);
        }
    }
}
