package org.entrylog.venue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enrolled devices already authenticated, by the hash of their secret, so a scan needs no
 * database read to know its tablet (issue 18: the read cost more than the hash).
 *
 * <p>A revocation must still refuse the tablet at its very next request, including one made by
 * {@code device revoke} from another process while the server runs (docs/threat-model.md T9, T26).
 * So every revocation ({@link VenueService#revoke}, the only place {@code device.revoked_at} is set)
 * replaces the small marker file {@value #MARKER} beside the database, after its commit and before it
 * returns; each authentication first reads the marker's attributes (one {@code stat}) and drops the
 * whole cache when they changed. The marker is replaced by an atomic rename of a new file, so its
 * inode differs from the one it replaces even when two revocations fall within one tick of the file
 * system's clock. When the marker cannot be read (other than absent) nothing is cached.
 *
 * <p>Only devices that were found are kept (an unknown secret is looked up each time, as before), at
 * most {@link #MAX} of them; a device row never changes otherwise (no venue is renamed or deleted).
 */
final class DeviceCache {
    static final String MARKER = "device-revocations";
    static final int MAX = 100_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Generation(Object stamp, ConcurrentHashMap<Key, VenueService.Device> devices) {}

    /** A secret's hash as a map key (arrays compare by identity). */
    private record Key(byte[] hash) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(hash, k.hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash);
        }
    }

    /** Looks a device up in the database by its secret's hash: null when none is enrolled and active. */
    @FunctionalInterface
    interface Loader {
        VenueService.Device load(byte[] secretHash);
    }

    private final Path marker;
    private volatile Generation current = new Generation(new Object(), new ConcurrentHashMap<>());

    DeviceCache(Path marker) {
        this.marker = marker;
    }

    /** The device holding the secret with this hash, from the cache or else from {@code loader}; null if none. */
    VenueService.Device find(byte[] secretHash, Loader loader) {
        Object stamp = stamp(); // read before the database, so a revocation during the load drops the entry
        Generation g = current;
        if (stamp == null || !stamp.equals(g.stamp())) {
            g = new Generation(stamp, new ConcurrentHashMap<>());
            current = g;
        }
        Key key = new Key(secretHash);
        VenueService.Device d = g.devices().get(key);
        if (d != null) {
            return d;
        }
        d = loader.load(secretHash);
        if (d != null && stamp != null && g.devices().size() < MAX) {
            g.devices().put(key, d);
        }
        return d;
    }

    /** What identifies the marker's present version; null when it cannot be read (then nothing is cached). */
    private Object stamp() {
        try {
            BasicFileAttributes a = Files.readAttributes(marker, BasicFileAttributes.class);
            return List.of(Objects.toString(a.fileKey()), a.lastModifiedTime(), a.size());
        } catch (NoSuchFileException e) {
            return "absent";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A revocation was committed: replace the marker, so every server on this data folder drops its cache. */
    static void revoked(Path marker) {
        Path tmp = marker.resolveSibling(MARKER + ".tmp-" + Long.toHexString(RANDOM.nextLong()));
        try {
            byte[] b = new byte[16];
            RANDOM.nextBytes(b);
            Files.write(tmp, b);
            try {
                Files.move(tmp, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, marker, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The device was revoked in the database, but a running server could not be"
                    + " told: restart it so the revocation takes effect (" + marker + ")", e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing was left
            }
        }
    }
}
