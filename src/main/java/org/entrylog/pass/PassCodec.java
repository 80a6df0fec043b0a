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
    /**
     * How far ahead of its signing a slot pass's slot may begin (the longest bundle the settings
     * allow). A replaced key signed nothing after it was replaced, so a slot pass of it whose slot
     * begins later than this after the replacement is refused, however its bytes were made.
     */
    public static final java.time.Duration MAX_SLOT_AHEAD = java.time.Duration.ofHours(72);

    private final SigningKeys keys;
    private final SecretKeySpec pseudonymKey;
    /** Passes signed by {@link #issue}, until they expire: their scans skip the signature check. */
    private final IssuedPasses issued;
    /** Signature checks {@link #verify} ran (tests). */
    private final java.util.concurrent.atomic.LongAdder signatureChecks = new java.util.concurrent.atomic.LongAdder();
    /** Cipher.getInstance looks the provider up every time; profiling showed it costing more than the signature check. */
    private static final ThreadLocal<Cipher> AES_CTR = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/CTR/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every JDK", e);
        }
    });

    public PassCodec(SigningKeys keys, byte[] pseudonymKey) {
        this(keys, pseudonymKey, IssuedPasses.DEFAULT_CAPACITY);
    }

    /** Remembering at most {@code remembered} signed passes (0: none; every scan checks the signature). */
    public PassCodec(SigningKeys keys, byte[] pseudonymKey, int remembered) {
        if (remembered < 0) {
            throw new IllegalArgumentException("remembered must not be negative");
        }
        this.keys = keys;
        this.pseudonymKey = new SecretKeySpec(pseudonymKey, "AES");
        this.issued = new IssuedPasses(remembered);
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
        issued.remember(raw, iat + ttlSeconds, iat);
        return Ids.encode(raw);
    }

    // ---- offline bundles (docs/design.md pass-bundle) ----

    /**
     * A signed single-use pass for one slot of an offline bundle, valid from {@code notBefore} to
     * {@code expiresAt} (token version 2). Like every pass it has its own random token id, so its
     * encrypted pseudonym shares no bytes with the other passes of the bundle.
     */
    public String issueSlot(byte[] visitorId, Instant notBefore, Instant expiresAt) {
        SigningKeys.Key key = keys.active();
        byte[] tokenId = Ids.newId();
        byte[] raw = PassToken.body(PassToken.VERSION_SLOT, key.kidBytes(), tokenId, crypt(tokenId, visitorId),
                notBefore.getEpochSecond(), expiresAt.getEpochSecond());
        byte[] sig = SigningKeys.sign(key, raw, 0, PassToken.SIGNED_LENGTH);
        System.arraycopy(sig, 0, raw, PassToken.SIGNED_LENGTH, sig.length);
        return Ids.encode(raw);
    }
    // ---- end offline bundles ----

    /**
     * Parses and checks a pass: the signature is checked, with the key named by its kid and the
     * fixed algorithm, before any field is trusted (docs/threat-model.md T3–T5), unless these exact
     * bytes are a pass this codec signed and still remembers ({@link IssuedPasses}: the same answer,
     * without the Ed25519 arithmetic). Times are checked by the caller.
     *
     * @throws ApiException {@code token_malformed} (400) or {@code token_bad_signature} (422)
     */
    public PassToken verify(String text) {
        byte[] raw = PassToken.decodeText(text);
        byte[] kid = PassToken.slice(raw, 1, 6);
        SigningKeys.Key key = keys.byKidBytes(kid).orElseThrow(PassCodec::badSignature);
        byte[] sig = PassToken.slice(raw, PassToken.SIGNED_LENGTH, 64);
        if (!issued.signedHere(raw)) {
            signatureChecks.increment();
            if (!SigningKeys.verify(key.publicKey(), raw, 0, PassToken.SIGNED_LENGTH, sig)) {
                throw badSignature();
            }
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 39, 16);
        long iat = b.getLong(); // for a slot pass (version 2): notBefore
        long exp = b.getLong();
        if (exp <= iat || exp - iat > MAX_LIFETIME_SECONDS) {
            throw PassToken.malformed();
        }
        boolean slot = raw[0] == PassToken.VERSION_SLOT;
        // A replaced key vouches only for passes it signed before it was replaced; a slot pass may
        // begin up to MAX_SLOT_AHEAD after it was signed.
        long signedNoEarlierThan = slot ? iat - MAX_SLOT_AHEAD.toSeconds() : iat;
        if (key.retiredAt() != null && signedNoEarlierThan > key.retiredAt().getEpochSecond()) {
            throw badSignature();
        }
        byte[] tokenId = PassToken.slice(raw, PassToken.TOKEN_ID_OFFSET, 16);
        byte[] visitorId = crypt(tokenId, PassToken.slice(raw, 23, 16));
        return new PassToken(kid, tokenId, visitorId, slot ? null : Instant.ofEpochSecond(iat),
                Instant.ofEpochSecond(exp), Instant.ofEpochSecond(iat));
    }

    /** How many passes {@link #verify} checked by their signature ({@code /metrics}, tests). */
    public long signatureChecks() {
        return signatureChecks.sum();
    }

    /** How many signed passes it remembers now ({@code /metrics}, tests). */
    public int remembered() {
        return issued.size();
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
