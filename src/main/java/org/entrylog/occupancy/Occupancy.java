package org.entrylog.occupancy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;

/**
 * Live occupancy of a venue (docs/design.md, {@code GET /api/venues/{venueId}/occupancy}): people
 * whose latest scan there in the last default stay is an entry (ScanStore#inside), so an exit ends
 * a visit and an entry without an exit stops counting once the stay has passed. Counts only: no
 * visitor is named. Every instant comes from the injected clock.
 */
public final class Occupancy {
    /** The answer: people inside, the capacity (null: none set) and the instant it holds for. */
    public record Answer(long inside, Integer capacity, Instant asOf) {}

    /** A venue as its owner sees it: counts only. */
    public record VenueCounts(String venueId, String name, long inside, Integer capacity, Instant asOf,
                              long scansToday) {}

    private final Database db;
    private final Clock clock;

    public Occupancy(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The first instant whose entries still count at {@code now}: an entry exactly one stay old counts. */
    public static long since(long now, Duration defaultStay) {
        return now - defaultStay.toMillis();
    }

    /** Occupancy of the venue with this internal id now, or null when there is no such venue. */
    public Answer of(long venueId) {
        long now = clock.millis();
        return db.read(c -> of(c, venueId, now));
    }

    static Answer of(Connection c, long venueId, long now) throws SQLException {
        VenueService.Limits limits = VenueService.limits(c, venueId);
        if (limits == null) {
            return null;
        }
        long inside = ScanStore.inside(c, venueId, since(now, limits.defaultStay()), now);
        return new Answer(inside, limits.capacity(), Instant.ofEpochMilli(now));
    }

    /** Occupancy and today's scans (from midnight in the clock's zone) of each venue, by internal id. */
    public java.util.List<VenueCounts> counts(java.util.List<Long> venueIds) {
        long now = clock.millis();
        long midnight = LocalDate.now(clock).atStartOfDay(clock.getZone()).toInstant().toEpochMilli();
        return db.read(c -> {
            java.util.List<VenueCounts> out = new java.util.ArrayList<>();
            for (long id : venueIds) {
                VenueService.Venue v = VenueService.byId(c, id);
                Answer a = of(c, id, now);
                if (v == null || a == null) {
                    continue;
                }
                out.add(new VenueCounts(org.entrylog.common.Ids.encode(v.publicId()), v.name(), a.inside(),
                        a.capacity(), a.asOf(), ScanStore.countAt(c, id, midnight, now + 1)));
            }
            return out;
        });
    }
}
