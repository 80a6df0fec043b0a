package org.entrylog.common;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random identifiers and secrets, and the one text form they travel in (base64url, no padding).
 *
 * <p>Every id is 128 random bits and every secret 256, so ids cannot be enumerated and a
 * guessed id tells nothing (docs/threat-model.md T29).
 */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Ids() {}

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** 16 random bytes (128 bits). */
    public static byte[] newId() {
        return randomBytes(16);
    }

    /** A 256-bit bearer secret in text form. */
    public static String newSecret() {
        return encode(randomBytes(32));
    }

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /**
     * Strict base64url decoding: only the URL-safe alphabet, no padding, and the text must be
     * the canonical encoding of the bytes (no stray trailing bits), so one value has exactly one
     * spelling.
     *
     * @return the bytes, or {@code null} when the text is not canonical base64url of that length
     */
    public static byte[] decode(String text, int expectedLength) {
        if (text == null || text.length() != encodedLength(expectedLength)) {
            return null;
        }
        return decodeCanonical(text);
    }

    /** Strict base64url decoding of any length; {@code null} when not canonical. */
    public static byte[] decodeCanonical(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!ok) {
                return null;
            }
        }
        try {
            byte[] bytes = DECODER.decode(text);
            return ENCODER.encodeToString(bytes).equals(text) ? bytes : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static int encodedLength(int bytes) {
        return (bytes * 8 + 5) / 6;
    }
}
