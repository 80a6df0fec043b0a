package org.entrylog.pass;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The passes this server signed, each until it expires, so that a scan of one is checked against
 * its exact bytes instead of by its Ed25519 signature (issue 18: one verification is 146 µs of CPU
 * on the 2-core machine, a fifth of a scan; comparing 119 bytes costs nothing).
 *
 * <p>Accepting a pass here is the same decision the signature check would take: only bytes this
 * server signed a moment ago are in here, and the whole pass is compared (in constant time), not
 * its id, so a pass whose id is known but any other byte changed misses and is checked by its
 * signature as before. Passes signed elsewhere (another server of a shared PostgreSQL database, an
 * offline bundle, a server before a restart) are simply not in here and are checked by signature.
 *
 * <p>Memory is bounded: at most {@code capacity} passes (≈ 240 bytes each with the map's own: 31 MB at the default),
 * the oldest forgotten first, expired ones dropped as new ones come. With the default lifetime of
 * 30 s the default holds every pass of a server issuing 4,000 a second.
 */
final class IssuedPasses {
    static final int DEFAULT_CAPACITY = 131_072;

    private record Id(long hi, long lo) {
        static Id of(byte[] raw) {
            ByteBuffer b = ByteBuffer.wrap(raw, PassToken.TOKEN_ID_OFFSET, 16);
            return new Id(b.getLong(), b.getLong());
        }
    }

    private record Issued(byte[] raw, long expiresAt) {
    }

    private final int capacity;
    /** In the order signed, which with one lifetime is the order they expire. */
    private final LinkedHashMap<Id, Issued> byId = new LinkedHashMap<>();

    IssuedPasses(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers a pass just signed ({@code raw}, not changed afterwards) until {@code expiresAt} (epoch s). */
    void remember(byte[] raw, long expiresAt, long now) {
        if (capacity == 0) {
            return;
        }
        synchronized (byId) {
            Iterator<Issued> oldest = byId.values().iterator();
            while (oldest.hasNext()) {
                Issued i = oldest.next();
                if (i.expiresAt() > now && byId.size() < capacity) {
                    break;
                }
                oldest.remove();
            }
            byId.put(Id.of(raw), new Issued(raw, expiresAt));
        }
    }

    /** Whether these exact bytes are a pass this server signed and still remembers. */
    boolean signedHere(byte[] raw) {
        if (capacity == 0 || raw.length < PassToken.TOKEN_ID_OFFSET + 16) {
            return false;
        }
        Issued i;
        synchronized (byId) {
            i = byId.get(Id.of(raw));
        }
        return i != null && MessageDigest.isEqual(i.raw(), raw);
    }

    int size() {
        synchronized (byId) {
            return byId.size();
        }
    }
}
