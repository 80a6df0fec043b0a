package org.entrylog.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A purge's chunks shrink while one takes longer than the target and grow back to the set size. */
class ChunkPaceTest {
    @Test
    void slowChunksHalveFastOnesGrowBackWithinBounds() {
        Purger.ChunkPace pace = new Purger.ChunkPace(250);
        assertEquals(31, pace.rows(), "starts at an eighth");
        pace.adapt(Purger.ChunkPace.TARGET_MS); // at the target: unchanged
        assertEquals(31, pace.rows());
        pace.adapt(0);
        assertEquals(38, pace.rows(), "a quarter more");
        pace.adapt(Purger.ChunkPace.TARGET_MS + 1);
        assertEquals(19, pace.rows(), "halved");
        for (int i = 0; i < 20; i++) {
            pace.adapt(2_000); // a file read from disk, a slow checkpoint
        }
        assertEquals(Purger.ChunkPace.MIN_ROWS, pace.rows(), "never below the floor");
        pace.adapt(Purger.ChunkPace.TARGET_MS / 2 - 1);
        assertEquals(Purger.ChunkPace.MIN_ROWS + 2, pace.rows(), "grows by a quarter, at least one");
        for (int i = 0; i < 100; i++) {
            pace.adapt(0);
        }
        assertEquals(250, pace.rows(), "never above the set chunk");
    }

    @Test
    void aSetChunkBelowTheFloorIsKept() {
        Purger.ChunkPace pace = new Purger.ChunkPace(3);
        pace.adapt(1_000);
        assertEquals(3, pace.rows());
        pace.adapt(0);
        assertEquals(3, pace.rows());
    }
}
