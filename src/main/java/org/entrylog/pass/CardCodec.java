package org.entrylog.pass;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;

/**
 * Signs and checks printed cards, and makes and recognises their typed numbers.
 *
 * <p>A card's QR holds a token of its own kind, signed with the pass signing key but never taken
 * for a pass (another version byte and another length), written as base64url (148 characters):
 * <pre>
 *  offset size field
 *  0      1    version (3: a card; a pass is 1, a slot pass of a bundle 2)
 *  1      6    kid: first 6 bytes of SHA-256 of the signing public key
 *  7      16   card id, random (the cardId)
 *  23     16   visitor pseudonym: the visitor id encrypted (AES-CTR) under the card id
 *  39     8    issued at, seconds since the epoch
 *  47     64   Ed25519 signature over bytes 0–46
 * </pre>
 * There is no expiry: a card is valid until revoked, and revocation is looked up in the card
 * table at every scan (pass.Cards). The pseudonym keeps a photographed card from naming its
 * holder's visitor id, as with passes (docs/threat-model.md T2).
 *
 * <p>The typed number is 11 random digits and a Luhn check digit (12 in all): 10^11 numbers, of
 * which a device may try {@code ENTRYLOG_RATE_LIMIT_CARD} (default 10 per 10 minutes); the check
 * digit catches a mistyped digit before it costs a try against the register. Only an HMAC of the
 * number is stored, under a key derived from the server's pseudonym key, so a copy of the database
 * alone does not give the numbers.
 */
public final class CardCodec {
    public static final int VERSION = 3;
    static final int SIGNED_LENGTH = 47;
    static final int LENGTH = SIGNED_LENGTH + 64;
    public static final int TEXT_LENGTH = Ids.encodedLength(LENGTH);
    public static final int NUMBER_DIGITS = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A card's token, checked: its id, the holder's visitor id and when it was made. */
    public record CardToken(byte[] cardId, byte[] visitorId, Instant issuedAt) {}

    private final SigningKeys keys;
    private final SecretKeySpec pseudonymKey;
    private final SecretKeySpec numberKey;

    public CardCodec(SigningKeys keys, byte[] pseudonymKey) {
        this.keys = keys;
        this.pseudonymKey = new SecretKeySpec(pseudonymKey, "AES");
        // its own key for the number's HMAC, derived so that no key serves two algorithms
        this.numberKey = new SecretKeySpec(hmac(new SecretKeySpec(pseudonymKey, "HmacSHA256"),
                "entrylog card number key v1".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
    }

    /** Whether the scanned text is a card's token (by its length and version), not a pass. */
    public static boolean isToken(String text) {
        if (text == null || text.length() != TEXT_LENGTH) {
            return false;
        }
        byte[] raw = Ids.decode(text, LENGTH);
        return raw != null && raw[0] == VERSION;
    }

    /** Whether the text is meant as a typed card number: 12 digits, in groups with spaces or dashes or not. */
    public static boolean isNumber(String text) {
        return text != null && text.length() <= 20 && text.matches("[0-9][0-9 -]*[0-9]")
                && digits(text).length() == NUMBER_DIGITS;
    }

    public String issue(byte[] cardId, byte[] visitorId, Instant issuedAt) {
        SigningKeys.Key key = keys.active();
        byte[] raw = ByteBuffer.allocate(LENGTH).put((byte) VERSION).put(key.kidBytes()).put(cardId)
                .put(crypt(cardId, visitorId)).putLong(issuedAt.getEpochSecond()).array();
        byte[] sig = SigningKeys.sign(key, raw, 0, SIGNED_LENGTH);
        System.arraycopy(sig, 0, raw, SIGNED_LENGTH, sig.length);
        return Ids.encode(raw);
    }

    /**
     * Checks a card's token: the signature, under the key its kid names and the fixed algorithm,
     * before any field is read (docs/threat-model.md T3–T5).
     *
     * @throws ApiException {@code token_malformed} or {@code token_bad_signature}
     */
    public CardToken verify(String text) {
        byte[] raw = text == null ? null : Ids.decode(text, LENGTH);
        if (raw == null || raw[0] != VERSION) {
            throw new ApiException(ErrorCode.TOKEN_MALFORMED, "This is not an entrylog card.");
        }
        SigningKeys.Key key = keys.byKidBytes(Arrays.copyOfRange(raw, 1, 7)).orElseThrow(CardCodec::notIssued);
        if (!SigningKeys.verify(key.publicKey(), raw, 0, SIGNED_LENGTH, Arrays.copyOfRange(raw, SIGNED_LENGTH, LENGTH))) {
            throw notIssued();
        }
        long iat = ByteBuffer.wrap(raw, 39, 8).getLong();
        // A replaced key vouches only for cards it signed before it was replaced.
        if (key.retiredAt() != null && iat > key.retiredAt().getEpochSecond()) {
            throw notIssued();
        }
        byte[] cardId = Arrays.copyOfRange(raw, 7, 23);
        return new CardToken(cardId, crypt(cardId, Arrays.copyOfRange(raw, 23, 39)), Instant.ofEpochSecond(iat));
    }

    static ApiException notIssued() {
        return new ApiException(ErrorCode.TOKEN_BAD_SIGNATURE, "This card was not issued by this server.");
    }

    /** A new random card number, its last digit the Luhn check digit. */
    public static String newNumber() {
        StringBuilder b = new StringBuilder(NUMBER_DIGITS);
        for (int i = 0; i < NUMBER_DIGITS - 1; i++) {
            b.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return b.append(checkDigit(b)).toString();
    }

    /**
     * The HMAC of a typed number that is well formed, to look it up by.
     *
     * @throws ApiException {@code token_malformed} for a number whose check digit is wrong (a typo)
     */
    public byte[] numberHash(String typed) {
        String d = digits(typed);
        if (d.length() != NUMBER_DIGITS || checkDigit(d.substring(0, NUMBER_DIGITS - 1)) != d.charAt(NUMBER_DIGITS - 1)) {
            throw new ApiException(ErrorCode.TOKEN_MALFORMED, "This card number is mistyped: its check digit does not match.");
        }
        return hmac(numberKey, d.getBytes(StandardCharsets.US_ASCII));
    }

    /** The number grouped for printing: 4 4 4. */
    public static String grouped(String number) {
        return number.substring(0, 4) + " " + number.substring(4, 8) + " " + number.substring(8);
    }

    static String digits(String text) {
        return text.replace(" ", "").replace("-", "");
    }

    /** The Luhn check digit of the digits given. */
    static char checkDigit(CharSequence payload) {
        int sum = 0;
        boolean twice = true; // the digit next to the check digit is doubled
        for (int i = payload.length() - 1; i >= 0; i--) {
            int d = payload.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }

    private byte[] crypt(byte[] cardId, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, pseudonymKey, new IvParameterSpec(cardId));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is part of every JDK", e);
        }
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
        }
    }
}
