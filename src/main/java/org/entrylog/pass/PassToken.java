package org.entrylog.pass;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;

/**
 * The pass a visitor shows: a fixed binary layout, signed with Ed25519, written as base64url
 * (159 characters).
 *
 * <pre>
 *  offset size field
 *  0      1    version (1)
 *  1      6    kid: first 6 bytes of SHA-256 of the signing public key
 *  7      16   token id, random
 *  23     16   visitor pseudonym: the visitor id encrypted under the token id (see PassCodec)
 *  39     8    issued at, seconds since the epoch
 *  47     8    expires at, seconds since the epoch
 *  55     64   Ed25519 signature over bytes 0–54
 * </pre>
 *
 * <p><b>Version 2, a slot pass of an offline bundle</b> (see PassBundles): the same layout, but
 * bytes 39–46 hold {@code notBefore}, the start of the pass's slot, instead of the issue time. A
 * slot pass carries no issue time on purpose: all passes of one bundle are signed in the same
 * second, and that second would be a common value linking them (docs/threat-model.md T40). The
 * version byte is signed, so a version-1 pass cannot be read as a version-2 one or back.
 *
 * <p>{@code notBefore} is where validity begins: the issue time for version 1, the slot's start for
 * version 2; {@code issuedAt} is null for version 2.
 *
 * <p>There is no algorithm field: the server alone fixes the algorithm, so {@code alg:none} or
 * an HMAC keyed with the public key cannot even be expressed (docs/threat-model.md T4).
 */
public record PassToken(byte[] kid, byte[] tokenId, byte[] visitorId, Instant issuedAt, Instant expiresAt,
                        Instant notBefore) {
    public static final int VERSION = 1;
    /** A slot pass of an offline bundle: bytes 39–46 are {@code notBefore}. */
    public static final int VERSION_SLOT = 2;
    public static final int SIGNED_LENGTH = 55;
    /** Where the 16 random bytes of the token id begin (after the version and the 6-byte key id). */
    static final int TOKEN_ID_OFFSET = 7;
    public static final int LENGTH = SIGNED_LENGTH + 64;
    public static final int TEXT_LENGTH = Ids.encodedLength(LENGTH);

    /** The unsigned body; {@code pseudonym} is the encrypted visitor id. */
    static byte[] body(byte[] kid, byte[] tokenId, byte[] pseudonym, long issuedAt, long expiresAt) {
        return body(VERSION, kid, tokenId, pseudonym, issuedAt, expiresAt);
    }

    /** The unsigned body of either version; {@code from} is the issue time (1) or {@code notBefore} (2). */
    static byte[] body(int version, byte[] kid, byte[] tokenId, byte[] pseudonym, long from, long expiresAt) {
        return ByteBuffer.allocate(LENGTH)
                .put((byte) version).put(kid).put(tokenId).put(pseudonym).putLong(from).putLong(expiresAt)
                .array();
    }

    /**
     * Decodes the text form strictly: exact length, canonical base64url, known version.
     *
     * @throws ApiException {@code token_malformed} (400) for anything else, with one generic message
     */
    static byte[] decodeText(String text) {
        byte[] raw = text == null ? null : Ids.decode(text, LENGTH);
        if (raw == null || (raw[0] != VERSION && raw[0] != VERSION_SLOT)) {
            throw malformed();
        }
        return raw;
    }

    static ApiException malformed() {
        return new ApiException(ErrorCode.TOKEN_MALFORMED, "This is not an entrylog pass.");
    }

    static byte[] slice(byte[] raw, int from, int len) {
        return Arrays.copyOfRange(raw, from, from + len);
    }
}
