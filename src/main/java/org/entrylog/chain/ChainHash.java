package org.entrylog.chain;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hash that links a log row to its successor: SHA-256 over a domain label and every column
 * of the row, in table order, each encoded unambiguously:
 * <ul>
 *   <li>NULL: byte {@code 0x00}</li>
 *   <li>INTEGER: byte {@code 0x01} then 8 bytes big-endian</li>
 *   <li>TEXT: byte {@code 0x02}, 4-byte big-endian length, the UTF-8 bytes</li>
 *   <li>BLOB: byte {@code 0x03}, 4-byte big-endian length, the bytes</li>
 * </ul>
 * The domain label ({@code "entrylog scan_log v1"} and the like) keeps hashes of different logs
 * apart. An auditor can recompute it from the table with any SQLite client and SHA-256.
 */
public final class ChainHash {
    public static final byte[] GENESIS = new byte[32];

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(160);

    public ChainHash(String log) {
        text("entrylog " + log + " v1");
    }

    public ChainHash integer(Long v) {
        if (v == null) {
            out.write(0);
        } else {
            out.write(1);
            out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
        }
        return this;
    }

    public ChainHash integer(long v) {
        return integer(Long.valueOf(v));
    }

    public ChainHash text(String v) {
        return v == null ? nul() : bytes(2, v.getBytes(StandardCharsets.UTF_8));
    }

    public ChainHash blob(byte[] v) {
        return v == null ? nul() : bytes(3, v);
    }

    private ChainHash nul() {
        out.write(0);
        return this;
    }

    private ChainHash bytes(int tag, byte[] v) {
        out.write(tag);
        out.writeBytes(ByteBuffer.allocate(4).putInt(v.length).array());
        out.writeBytes(v);
        return this;
    }

    public byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(out.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
