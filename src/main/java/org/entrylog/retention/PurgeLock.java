package org.entrylog.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * {@code purge.lock} in the data folder: held for the whole of a purge, by the server's job or by
 * the {@code purge} command, so that two purges never run at once (docs/threat-model.md T33).
 *
 * <p>An operating-system lock, because it is released when its process dies: whoever holds it
 * knows that any purge still recorded as open in the database was left by a crash, and may close
 * it. A lock in the database could not tell a crashed purge from a slow one.
 */
final class PurgeLock implements AutoCloseable {
    static final String FILE_NAME = "purge.lock";
    private static final long POLL_MS = 100;

    private final FileChannel channel;
    private final FileLock lock;

    private PurgeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, waiting up to {@code wait} for another purge to end; null when it did not. */
    static PurgeLock acquire(Path dataDir, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        FileChannel ch;
        try {
            ch = FileChannel.open(dataDir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + dataDir.resolve(FILE_NAME), e);
        }
        try {
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null; // another purger in this same process holds it
                }
                if (l != null) {
                    return new PurgeLock(ch, l);
                }
                if (System.nanoTime() >= deadline) {
                    ch.close();
                    return null;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("Cannot lock " + dataDir.resolve(FILE_NAME), e);
        } catch (InterruptedException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // giving up on it anyway
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
