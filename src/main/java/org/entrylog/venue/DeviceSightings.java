package org.entrylog.venue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.entrylog.store.WriteQueue;

/**
 * Keeps each device's {@code lastSeenAt} (shown by {@code device list}, so an operator can tell a
 * tablet in use from a lost one) at a cost the scan path does not notice: an in-memory map of when
 * each device's time was last written, and at most one write a {@link #INTERVAL} per device, handed
 * to the single writer without waiting for it, where it joins the group commit of the scans around
 * it. So {@code lastSeenAt} may be up to a minute behind, and a request never waits on it. A write
 * that fails (a full disk) is not retried before the next minute; the time is a hint, not a record.
 *
 * <p>The same holds each tablet's latest report of its offline queue (scans taken but not yet
 * delivered: how many, and the tablet's time of the oldest), sent by the scanner page as the headers
 * {@value #QUEUED_HEADER} and {@value #OLDEST_HEADER} on its scans, batches and occupancy polls: kept
 * in memory at once (the owner page and {@code /metrics} read it from here) and written with the
 * last-seen time, at most once a minute. A report is the tablet's own word about itself: it is
 * bounded ({@link #MAX_QUEUED}, a time no later than now and no earlier than {@link #MAX_AGE}) and
 * otherwise ignored, never an error (docs/threat-model.md T50).
 */
public final class DeviceSightings {
    public static final Duration INTERVAL = Duration.ofMinutes(1);
    public static final String QUEUED_HEADER = "X-Entrylog-Queued";
    public static final String OLDEST_HEADER = "X-Entrylog-Oldest-Queued";
    /** More scans than a tablet could queue in the offline window (one a second for a day). */
    static final int MAX_QUEUED = 100_000;
    /** A queued scan's time further back than this is not believed. */
    static final Duration MAX_AGE = Duration.ofDays(30);
    /** A tablet clock ahead of the server's by up to this much still gives a usable report. */
    private static final Duration AHEAD = Duration.ofMinutes(2);

    /**
     * A tablet's offline queue: {@code queued} scans, the oldest taken at {@code oldestAt} (epoch ms by
     * the tablet; null when none or not said), reported at {@code reportedAt} (the server's time).
     */
    public record QueueReport(int queued, Long oldestAt, long reportedAt) {}

    private final WriteQueue writes;
    private final Clock clock;
    private final ConcurrentHashMap<Long, Long> written = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> scanned = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, QueueReport> reports = new ConcurrentHashMap<>();

    public DeviceSightings(WriteQueue writes, Clock clock) {
        this.writes = writes;
        this.clock = clock;
    }

    /** The device made an authenticated request now (not a scan). */
    public void seen(VenueService.Device device) {
        seen(device, null, null, false);
    }

    /**
     * The device made an authenticated request now, with these queue headers (null: not sent);
     * {@code scanning}: the request sends scans. A report that changed is written at once when the
     * device's write is due, else with the next one. The time of its last scans is kept the same way
     * ({@code last_scan_at}, at most once a minute): {@code /metrics} counts the tablets scanning in
     * the last hour from it, not from the log, which would take a row per scan (issue 18).
     */
    public void seen(VenueService.Device device, String queuedHeader, String oldestHeader, boolean scanning) {
        long now = clock.millis();
        QueueReport report = parse(queuedHeader, oldestHeader, now);
        if (report != null) {
            reports.put(device.id(), report);
        }
        boolean seenDue = due(written, device.id(), now);
        boolean scanDue = scanning && due(scanned, device.id(), now);
        if (seenDue || scanDue) {
            QueueReport latest = reports.get(device.id());
            writes.submit(c -> {
                if (seenDue) {
                    VenueService.markSeen(c, device.id(), now);
                    if (latest != null) {
                        VenueService.writeQueue(c, device.id(), latest);
                    }
                }
                if (scanDue) {
                    VenueService.markScanned(c, device.id(), now);
                }
                return null;
            });
        }
    }

    /**
     * Whether the device's time in {@code times} is due to be written (none yet, or a
     * {@link #INTERVAL} old), moving it to {@code now} if so. Only the request that moves the entry
     * writes, so concurrent requests of one tablet write once.
     */
    private static boolean due(ConcurrentHashMap<Long, Long> times, long deviceId, long now) {
        Long last = times.get(deviceId);
        if (last != null && now - last < INTERVAL.toMillis()) {
            return false;
        }
        return last == null ? times.putIfAbsent(deviceId, now) == null : times.replace(deviceId, last, now);
    }

    /** The report of the headers, or null when they are missing or not believable. */
    static QueueReport parse(String queuedHeader, String oldestHeader, long now) {
        if (queuedHeader == null) {
            return null;
        }
        int queued;
        try {
            queued = Integer.parseInt(queuedHeader.trim());
        } catch (NumberFormatException e) {
            return null;
        }
        if (queued < 0 || queued > MAX_QUEUED) {
            return null;
        }
        Long oldest = null;
        if (queued > 0 && oldestHeader != null && !oldestHeader.isBlank()) {
            try {
                long at = Instant.parse(oldestHeader.trim()).toEpochMilli();
                if (at <= now + AHEAD.toMillis() && at >= now - MAX_AGE.toMillis()) {
                    oldest = Math.min(at, now); // a clock slightly ahead does not give a negative age
                }
            } catch (DateTimeParseException e) {
                // the count alone
            }
        }
        return new QueueReport(queued, oldest, now);
    }

    /** The newer of a stored report and the one held in memory for this device. */
    public QueueReport latest(long deviceId, QueueReport stored) {
        QueueReport held = reports.get(deviceId);
        if (held == null) {
            return stored;
        }
        return stored == null || held.reportedAt() >= stored.reportedAt() ? held : stored;
    }

    /**
     * The latest queue report of every tablet not revoked that has scans queued (the operator's
     * figures), without reading the others: the stored reports with a queue, each replaced by a newer
     * one held here, and the reports held here with a queue whose tablet's stored report had none yet
     * (it is written at most once a minute), when that tablet is not revoked and no newer report
     * was stored (by another server of a shared database).
     */
    public List<QueueReport> queuedReports(Connection c) throws SQLException {
        Map<Long, QueueReport> latest = new HashMap<>();
        for (VenueService.Tablet t : VenueService.tabletsWithQueue(c)) {
            latest.put(t.id(), latest(t.id(), t.queue()));
        }
        for (Map.Entry<Long, QueueReport> held : reports.entrySet()) {
            if (held.getValue().queued() > 0 && !latest.containsKey(held.getKey())) {
                VenueService.Tablet t = VenueService.tablet(c, held.getKey());
                if (t != null && !t.revoked()) {
                    latest.put(t.id(), latest(t.id(), t.queue())); // another server may hold a newer one
                }
            }
        }
        List<QueueReport> out = new ArrayList<>();
        for (QueueReport r : latest.values()) {
            if (r.queued() > 0) {
                out.add(r);
            }
        }
        return out;
    }

    /** Scans queued on tablets not revoked, by their latest reports. */
    public static long queued(List<QueueReport> reports) {
        return reports.stream().mapToLong(QueueReport::queued).sum();
    }

    /** Seconds since the oldest scan any tablet reports queued (0 when none is). */
    public static double oldestAgeSeconds(List<QueueReport> reports, long now) {
        long oldest = Long.MAX_VALUE;
        for (QueueReport r : reports) {
            if (r.queued() > 0 && r.oldestAt() != null) {
                oldest = Math.min(oldest, r.oldestAt());
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest) / 1000.0;
    }
}
