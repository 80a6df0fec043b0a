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

    private RealTime(MutableClock clock, java.time.Duration offset) {
        clock.set(Instant.now().plus(offset));
        ticker.scheduleAtFixedRate(() -> clock.set(Instant.now().plus(offset)), 20, 20, TimeUnit.MILLISECONDS);
    }

    public static RealTime follow(MutableClock clock) {
        return new RealTime(clock, java.time.Duration.ZERO);
    }

    /** The wall clock moved by {@code offset}: "four hours later" for a test that cannot wait them. */
    public static RealTime follow(MutableClock clock, java.time.Duration offset) {
        return new RealTime(clock, offset);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
