package org.entrylog.browser;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.entrylog.testing.MutableClock;

/**
 * Keeps a {@link MutableClock} on the wall clock while a browser test runs: the pages count
 * passes down and stamp scans with the browser's own clock (and the server's {@code Date}
 * header), so the server's time must move with it.
 */
public final class RealTime implements AutoCloseable {
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "real-time-clock");
        t.setDaemon(true);
        return t;
    });

    private RealTime(MutableClock clock) {
        clock.set(Instant.now());
        ticker.scheduleAtFixedRate(() -> clock.set(Instant.now()), 20, 20, TimeUnit.MILLISECONDS);
    }

    public static RealTime follow(MutableClock clock) {
        return new RealTime(clock);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
