package org.entrylog.occupancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.entrylog.official.Officials;
import org.entrylog.testing.TestApp;
import org.entrylog.venue.VenueService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The occupancy rule to the second, on real scans in a real SQLite file with the test's clock: an
 * entry counts until exactly its venue's default stay has passed and not a second longer; an exit
 * ends a visit; an exit without an entry never makes the count negative.
 */
class OccupancyTest {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;
    TestApp t;
    Occupancy occupancy;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        occupancy = new Occupancy(t.app.db, t.clock);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private long venueId(String publicId) {
        return t.count("SELECT id FROM venue WHERE public_id = X'"
                + java.util.HexFormat.of().formatHex(org.entrylog.common.Ids.decode(publicId, 16)) + "'");
    }

    private long insideAt(long venue, Instant at) {
        t.clock.set(at);
        return occupancy.of(venue).inside();
    }

    @Test
    void sinceIsNowMinusTheStay() {
        assertEquals(T0.toEpochMilli() - 3 * 3600_000L, Occupancy.since(T0.toEpochMilli(), VenueService.DEFAULT_STAY));
    }

    @Test
    void anEntryCountsForExactlyTheDefaultStayOfThreeHours() {
        TestApp.Device d = t.venueWithDevice("Cafe");
        long venue = venueId(d.venueId());
        Officials.scanAt(t, d, t.register("Hong", "010-1234-5678"), T0, "in");
        assertEquals(1, insideAt(venue, T0));
        assertEquals(1, insideAt(venue, T0.plus(Duration.ofHours(3))));
        assertEquals(0, insideAt(venue, T0.plus(Duration.ofHours(3)).plusSeconds(1)));
        assertNull(occupancy.of(venue).capacity());
        assertEquals(T0.plus(Duration.ofHours(3)).plusSeconds(1), occupancy.of(venue).asOf());
    }

    @Test
    void aVenuesOwnDefaultStayAndCapacity() {
        var v = t.app.venues.add("Gym", null, null, 50, 30);
        TestApp.Device d = t.enroll(v.enrollmentCode());
        long venue = venueId(d.venueId());
        Officials.scanAt(t, d, t.register("Hong", "010-1234-5678"), T0, "in");
        assertEquals(1, insideAt(venue, T0.plus(Duration.ofMinutes(30))));
        assertEquals(0, insideAt(venue, T0.plus(Duration.ofMinutes(30)).plusSeconds(1)));
        assertEquals(50, occupancy.of(venue).capacity());
    }

    @Test
    void entriesMinusExitsPerVisitorNeverBelowZero() {
        TestApp.Device d = t.venueWithDevice("Cafe");
        long venue = venueId(d.venueId());
        TestApp.Visitor a = t.register("A", "010-1111-1111");
        TestApp.Visitor b = t.register("B", "010-2222-2222");
        TestApp.Visitor c = t.register("C", "010-3333-3333");
        Officials.scanAt(t, d, a, T0, "in");
        Officials.scanAt(t, d, b, T0.plusSeconds(60), "in");
        assertEquals(2, insideAt(venue, T0.plusSeconds(61)));
        Officials.scanAt(t, d, a, T0.plusSeconds(120), "out");
        assertEquals(1, insideAt(venue, T0.plusSeconds(121)));
        Officials.scanAt(t, d, c, T0.plusSeconds(180), "out"); // left without having entered: nothing to subtract
        assertEquals(1, insideAt(venue, T0.plusSeconds(181)));
        Officials.scanAt(t, d, a, T0.plusSeconds(240), "in"); // back in
        assertEquals(2, insideAt(venue, T0.plusSeconds(241)));
        // b's entry was at T0 + 60 s: it stops counting one second after three hours from then
        assertEquals(2, insideAt(venue, T0.plusSeconds(60).plus(Duration.ofHours(3))));
        assertEquals(1, insideAt(venue, T0.plusSeconds(61).plus(Duration.ofHours(3))));
        assertNull(occupancy.of(venue + 1000));
    }
}
