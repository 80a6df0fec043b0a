package org.entrylog.venue;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.entrylog.store.WriteQueue;

/**
 * Keeps each device's {@code lastSeenAt} (shown by {@code device list}, so an operator can tell a
 * tablet in use from a lost one) at a cost the scan path does not notice: an in-memory map of when
 * each device's time was last written, and at most one write a {@link #INTERVAL} per device, handed
 * to the single writer without waiting for it, where it joins the group commit of the scans around
 * it. So {@code lastSeenAt} may be up to a minute behind, and a request never waits on it. A write
 * that fails (a full disk) is not retried before the next minute; the time is a hint, not a record.
 */
public final class DeviceSightings {
    public static final Duration INTERVAL = Duration.ofMinutes(1);

    private final WriteQueue writes;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Long> written = new ConcurrentHashMap<>();

    public DeviceSightings(WriteQueue writes, Clock clock) {
        this.writes = writes;
        this.clock = clock;
    }

    /** The device made an authenticated request now. */
    public void seen(VenueService.Device device) {
        long now = clock.millis();
        Long last = written.get(device.id());
        if (last != null && now - last < INTERVAL.toMillis()) {
            return;
        }
        // only the request that moves the entry writes, so concurrent requests of one tablet write once
        boolean mine = last == null ? written.putIfAbsent(device.id(), now) == null
                : written.replace(device.id(), last, now);
        if (mine) {
            writes.submit(c -> {
                VenueService.markSeen(c, device.id(), now);
                return null;
            });
        }
    }
}
