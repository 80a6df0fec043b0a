package org.entrylog.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 and constant-time comparison. */
public final class Hashes {
    private Hashes() {}

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * Hash of a high-entropy bearer secret, as stored. A plain SHA-256 suffices: the secrets are
     * 256 random bits, so there is nothing to brute-force; a slow hash is for passwords only.
     */
    public static byte[] secretHash(String secret) {
        return sha256(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time equality, so comparing secrets leaks no timing (docs/conventions.md §4). */
    public static boolean equal(byte[] a, byte[] b) {
        return a != null && b != null && MessageDigest.isEqual(a, b);
    }
}
