package org.entrylog.retention;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.entrylog.store.Database;
import org.entrylog.store.StoreException;

/**
 * {@code purge.lock} in the data folder: held for the whole of a purge, by the server's job or by
 * the {@code purge} command, so that two purges never run at once (docs/threat-model.md T33).
 *
 * <p>An operating-system lock, because it is released when its process dies: whoever holds it
 * knows that any purge still recorded as open in the database was left by a crash, and may close
 * it. A lock in the database could not tell a crashed purge from a slow one.
 *
 * <p>On PostgreSQL, where several servers on several machines share one database, the lock is a
 * session-level advisory lock ({@code pg_try_advisory_lock(}{@link #PG_KEY}{@code )}) held by a
 * connection of its own for the whole purge: it has the same property, since PostgreSQL releases it
 * when the holder's connection ends, as it does when its process dies.
 */
final class PurgeLock implements AutoCloseable {
    static final String FILE_NAME = "purge.lock";
    /** The advisory lock of purges on PostgreSQL: 'purge' in ASCII. */
    static final long PG_KEY = 0x7075726765L;
    private static final long POLL_MS = 100;

    private final FileChannel channel;
    private final FileLock lock;
    private final Connection session;

    private PurgeLock(FileChannel channel, FileLock lock, Connection session) {
        this.channel = channel;
        this.lock = lock;
        this.session = session;
    }

    /** Takes the purge lock of the store: the file in the data folder, or the advisory lock on PostgreSQL. */
    static PurgeLock acquire(Database db, Duration wait) throws InterruptedException {
        if (!db.isPostgres()) {
            return acquire(db.dataDir(), wait);
        }
        long deadline = System.nanoTime() + wait.toNanos();
        Connection session = db.openSession();
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, PG_KEY);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return new PurgeLock(null, null, session);
                    }
                }
                if (System.nanoTime() >= deadline) {
                    session.close();
                    return null;
                }
                Thread.sleep(POLL_MS);
            }
        } catch (SQLException e) {
            closeQuietly(session);
            throw StoreException.from(e);
        } catch (InterruptedException | RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
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
                    return new PurgeLock(ch, l, null);
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

    private static void closeQuietly(Connection session) {
        try {
            session.close(); // ends the session, and with it the advisory lock
        } catch (SQLException ignored) {
            // the server drops the lock with the connection anyway
        }
    }

    @Override
    public void close() {
        if (session != null) {
            closeQuietly(session);
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
