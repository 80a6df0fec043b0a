package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.entrylog.common.Ids;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A purged identity is gone from the files, not merely unlinked: secure_delete, vacuum, checkpoint.
 * SQLite only: it reads the bytes of the SQLite file and its WAL; PostgreSQL has no secure_delete
 * (its purge drops whole day partitions instead; see the README on retention).
 */
@Tag("slow")
class PurgeSecureDeleteTest {
    @TempDir
    Path dir;

    @Test
    void theBytesOfAPurgedSealedIdentityAreInNoFileOfTheDataFolder() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            var d = t.venueWithDevice("Cafe");
            var gone = t.register("Park Gone", "010-9876-5432");
            Fixture.scanAt(t, d, gone, T0);
            Fixture.bulkScans(t, 20_000, 10, T0.plusSeconds(5)); // enough pages to free and give back
            t.clock.set(T0.plus(Duration.ofDays(20)));
            var kept = t.register("Choi Kept", "010-5555-6666");
            Fixture.scanAt(t, d, kept, T0.plus(Duration.ofDays(20)));
            byte[] goneSealed = sealedIdentity(t, gone);
            byte[] keptSealed = sealedIdentity(t, kept);
            assertTrue(inSomeFile(dir, goneSealed), "the search finds the identity while it is held");
            long sizeBefore = Files.size(dir.resolve("entrylog.db")) + walSize();

            Instant asOf = T0.plus(Duration.ofDays(30));
            t.clock.set(asOf);
            PurgeResult r = Fixture.purge(t, asOf);

            assertEquals(20_001, r.purgedScans());
            assertFalse(Fixture.visitorHeld(t, gone));
            List<Path> holding = filesHolding(dir, goneSealed);
            assertTrue(holding.isEmpty(), "purged identity bytes found in " + holding);
            assertTrue(inSomeFile(dir, keptSealed), "a kept identity is still there");
            assertEquals(0, t.count("PRAGMA freelist_count"), "free pages were given back");
            assertEquals(0, walSize(), "the WAL was checkpointed and truncated");
            assertTrue(Files.size(dir.resolve("entrylog.db")) < sizeBefore, "the file shrank");
        }
    }

    private long walSize() throws IOException {
        Path wal = dir.resolve("entrylog.db-wal");
        return Files.exists(wal) ? Files.size(wal) : 0;
    }

    private static byte[] sealedIdentity(TestApp t, TestApp.Visitor v) throws SQLException {
        try (Connection c = Fixture.outsider(t);
             PreparedStatement ps = c.prepareStatement("SELECT sealed_identity FROM visitor WHERE public_id = ?")) {
            ps.setBytes(1, Ids.decode(v.id(), 16));
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                byte[] b = rs.getBytes(1);
                assertTrue(b.length > 40);
                return b;
            }
        }
    }

    private static boolean inSomeFile(Path dir, byte[] needle) throws IOException {
        return !filesHolding(dir, needle).isEmpty();
    }

    /** Every file in the folder (entrylog.db, -wal, -shm, keys, locks…) whose raw bytes contain the needle. */
    private static List<Path> filesHolding(Path dir, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    found.add(f.getFileName());
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
