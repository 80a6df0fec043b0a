package org.entrylog.retention;

import static org.entrylog.retention.Fixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purge reads each chunk's pages on a reader before handing the chunk to the writer: the reads
 * name the indexes the deletions touch (a renamed index would fail them, and the purge would quietly
 * lose its read-ahead), look at exactly the rows the next chunk deletes, and change nothing.
 */
class ReadAheadTest {
    @TempDir
    Path dir;

    @Test
    void theReadAheadLooksAtTheNextChunkAndWritesNothing() {
        try (TestApp t = new TestApp(dir)) {
            TestApp.Device d = t.venueWithDevice("Cafe");
            TestApp.Visitor v = t.register("A", "01011112222");
            Fixture.scanAt(t, d, v, T0); // one scan with a pass: one pass-use record
            Fixture.bulkScans(t, 300, 3, T0.plusSeconds(60));
            Fixture.bulkScans(t, 100, 3, T0.plus(Duration.ofDays(2)));
            long cutoff = T0.plus(Duration.ofDays(1)).toEpochMilli();
            String all = "SELECT (SELECT count(*) FROM scan_log) + (SELECT count(*) FROM token_use)"
                    + " + (SELECT count(*) FROM visitor)";
            long before = t.count(all);
            assertEquals(301, (int) t.app.db.read(c -> ScanStore.readAheadOldest(c, cutoff, 1000)));
            assertEquals(50, (int) t.app.db.read(c -> ScanStore.readAheadOldest(c, cutoff, 50)));
            assertEquals(1, (int) t.app.db.read(c -> ScanStore.readAheadTokenUses(c, Long.MAX_VALUE, 50)));
            assertEquals(0, (int) t.app.db.read(c -> ScanStore.readAheadTokenUses(c, T0.toEpochMilli(), 50)));
            assertEquals(before, t.count(all), "read-ahead writes nothing");

            PurgeResult r = Fixture.purge(t, T0.plus(Duration.ofDays(29)));
            assertEquals(301, r.purgedScans());
            assertEquals(0, (int) t.app.db.read(c -> ScanStore.readAheadOldest(c, cutoff, 1000)),
                    "after the purge nothing is left before the cut-off");
            assertTrue(Fixture.verify(t).ok());
        }
    }
}
