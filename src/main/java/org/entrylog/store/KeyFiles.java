package org.entrylog.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.entrylog.common.Ids;

/** Random 256-bit keys kept in {@code keys/} in the data folder, owner-only, made on first use. */
public final class KeyFiles {
    private KeyFiles() {}

    /** The 32-byte key in {@code keys/<fileName>}, made (random, owner-only) when it does not exist. */
    public static byte[] key32(Path dataDir, String fileName) {
        try {
            Path file = dataDir.resolve("keys").resolve(fileName);
            Files.createDirectories(file.getParent());
            FilePermissions.ownerOnly(file.getParent());
            if (!Files.exists(file)) {
                FilePermissions.writeOwnerOnly(file, Ids.encode(Ids.randomBytes(32)).getBytes(StandardCharsets.US_ASCII));
            }
            byte[] k = Ids.decode(Files.readString(file).strip(), 32);
            if (k == null) {
                throw new IllegalStateException(file + " is damaged");
            }
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
