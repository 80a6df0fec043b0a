package org.entrylog.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge inside the server: once at start-up (so a restored old backup is purged at once,
 * docs/threat-model.md T35) and then every {@link #PERIOD} on its own thread, while scans keep flowing through
 * the write queue. Stopped by {@link #close()}, which lets a running purge stop between chunks.
 */
public final class RetentionJob implements AutoCloseable {
    /** At least hourly, so nothing is held much more than an hour past its cut-off. */
    public static final Duration PERIOD = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    private final Purger purger;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private volatile boolean stopping;
    private volatile Instant lastRun;

    public RetentionJob(Purger purger, Clock clock) {
        this.purger = purger;
        this.clock = clock;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entrylog-retention");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the first purge now, on the job's thread, then every {@link #PERIOD}. */
    public RetentionJob start() {
        scheduler.scheduleWithFixedDelay(this::runOnce, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** When the job last finished a round (a purge, or finding nothing due); null before the first. */
    public Instant lastRun() {
        return lastRun;
    }

    private void runOnce() {
        try {
            purger.purgeDue(clock.instant(), () -> stopping);
            lastRun = clock.instant();
        } catch (RuntimeException e) {
            // Keep the schedule: an exception here would cancel every later run.
            LOG.error("retention: scheduled purge failed (will retry in {}): {}", PERIOD, e.getMessage());
        }
    }

    @Override
    public void close() {
        stopping = true;
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
    }
}
