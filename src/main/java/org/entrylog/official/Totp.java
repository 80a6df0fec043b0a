package org.entrylog.official;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.util.encoders.Base32;

/**
 * Time-based one-time codes, RFC 6238 with the parameters every authenticator app understands:
 * HMAC-SHA1, 6 digits, 30-second steps, counted from the Unix epoch. Written here (some 60 lines,
 * checked against the RFC's own test vectors) because no maintained TOTP library was available to
 * this build; HMAC comes from the JDK and base32 from BouncyCastle.
 *
 * <p>A code is accepted in its own step or the one before or after (phone clocks drift, and a
 * code typed at the end of its step arrives in the next), and only once: the caller keeps the
 * last step used per account and passes it in, so a code seen over a shoulder or in a proxy log
 * cannot be replayed.
 */
public final class Totp {
    public static final int DIGITS = 6;
    public static final long STEP_SECONDS = 30;
    /** Steps either side of now that are still accepted. */
    static final int DRIFT_STEPS = 1;
    /** 160 bits, the HMAC-SHA1 block output size RFC 4226 recommends for the shared secret. */
    public static final int SECRET_BYTES = 20;
    static final String ISSUER = "entrylog";

    private Totp() {}

    /** The 30-s step an instant (epoch milliseconds) falls in. */
    public static long step(long epochMillis) {
        return Math.floorDiv(epochMillis, STEP_SECONDS * 1000);
    }

    /** The code of one step, as the 6 digits (with leading zeros) an app shows. */
    public static String code(byte[] secret, long step) {
        return code(secret, step, DIGITS);
    }

    /** RFC 4226 section 5.3 dynamic truncation, with {@code digits} digits (8 for the RFC 6238 vectors). */
    static String code(byte[] secret, long step, int digits) {
        byte[] h;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
        int o = h[h.length - 1] & 0x0f;
        int bin = ((h[o] & 0x7f) << 24) | ((h[o + 1] & 0xff) << 16) | ((h[o + 2] & 0xff) << 8) | (h[o + 3] & 0xff);
        int mod = 1;
        for (int i = 0; i < digits; i++) {
            mod *= 10;
        }
        return String.format(Locale.ROOT, "%0" + digits + "d", bin % mod);
    }

    /**
     * The step whose code this is, among now's step and the one before and after, that is later
     * than {@code lastUsedStep}; or -1. Every candidate is computed and compared in constant time
     * whatever matches, so the answer's timing says nothing about which step (if any) matched.
     */
    public static long matchingStep(byte[] secret, String given, long nowMillis, long lastUsedStep) {
        byte[] g = normalise(given).getBytes(StandardCharsets.US_ASCII);
        long now = step(nowMillis);
        long found = -1;
        for (long s = now - DRIFT_STEPS; s <= now + DRIFT_STEPS; s++) {
            boolean same = java.security.MessageDigest.isEqual(code(secret, s).getBytes(StandardCharsets.US_ASCII), g);
            if (same && s > lastUsedStep && found < 0) {
                found = s;
            }
        }
        return found;
    }

    /** Digits only (apps show "123 456"); anything else, or the wrong length, can never match. */
    private static String normalise(String given) {
        if (given == null) {
            return "";
        }
        String d = given.replace(" ", "");
        return d.length() == DIGITS && d.chars().allMatch(ch -> ch >= '0' && ch <= '9') ? d : "";
    }

    /** The secret as authenticator apps take it: base32, without padding. */
    public static String base32(byte[] secret) {
        return Base32.toBase32String(secret).replace("=", "");
    }

    /** Reads a base32 secret (padding optional, case-insensitive). */
    public static byte[] fromBase32(String text) {
        String t = text.toUpperCase(Locale.ROOT).replace("=", "");
        while (t.length() % 8 != 0) {
            t += "=";
        }
        return Base32.decode(t);
    }

    /**
     * The provisioning URI (Google Authenticator's key URI format) for this account:
     * {@code otpauth://totp/entrylog:<user>?secret=…&issuer=entrylog&algorithm=SHA1&digits=6&period=30}.
     */
    public static String uri(String username, byte[] secret) {
        String label = URLEncoder.encode(ISSUER + ":" + username, StandardCharsets.UTF_8).replace("%3A", ":");
        return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer=" + ISSUER
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    /** The secret named in such a URI (for tests and for re-reading a printed URI). */
    public static byte[] secretOf(String uri) {
        int i = uri.indexOf("secret=");
        if (!uri.startsWith("otpauth://totp/") || i < 0) {
            throw new IllegalArgumentException("not an otpauth://totp/ URI with a secret");
        }
        int end = uri.indexOf('&', i);
        return fromBase32(uri.substring(i + 7, end < 0 ? uri.length() : end));
    }
}
