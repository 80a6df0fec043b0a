package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore.Scan;
import org.junit.jupiter.api.Test;

/** The contact rule over plain scan records: no database, no server. Times are minutes from zero. */
class ContactRuleTest {
    private static final long MIN = 60_000;
    private static final long CASE = 1;
    private static final long WINDOW = 30 * MIN;
    private long seq;

    private Scan scan(long visitor, long minute, Direction d) {
        return new Scan(++seq, visitor, 7, minute * MIN, d);
    }

    private List<Long> contactVisitors(List<Scan> mine, List<Scan> others) {
        List<Long> out = new ArrayList<>();
        for (ContactRule.Presence p : ContactRule.contacts(mine, others, WINDOW)) {
            out.add(p.visitorId());
        }
        return out;
    }

    @Test
    void anInWithinTheWindowOfAnyCaseScanIsAContactInclusiveToTheMillisecond() {
        List<Scan> mine = List.of(scan(CASE, 100, Direction.IN));
        List<Scan> others = List.of(scan(2, 130, Direction.IN), scan(3, 70, Direction.IN));
        assertEquals(List.of(2L, 3L), contactVisitors(mine, others));

        Scan justOutside = new Scan(++seq, 4, 7, 130 * MIN + 1, Direction.IN);
        assertEquals(List.of(), contactVisitors(mine, List.of(justOutside)));
    }

    @Test
    void anOutAloneIsNotAContactByTheWindowOnlyByOverlap() {
        List<Scan> mine = List.of(scan(CASE, 100, Direction.IN));
        assertEquals(List.of(), contactVisitors(mine, List.of(scan(2, 110, Direction.OUT))));
        assertEquals(List.of(2L), contactVisitors(mine, List.of(scan(2, 100, Direction.OUT))),
                "an out at the very instant of the case's presence overlaps it");
    }

    @Test
    void overlappingStaysAreContactsBeyondTheWindow() {
        List<Scan> mine = List.of(scan(CASE, 0, Direction.IN), scan(CASE, 300, Direction.OUT));
        List<Scan> others = List.of(scan(2, 200, Direction.IN), scan(2, 400, Direction.OUT));
        assertEquals(List.of(2L), contactVisitors(mine, others));
    }

    @Test
    void anOutLaterThanTheLongestStayDoesNotCloseAStay() {
        long maxStay = ContactRule.MAX_STAY.toMinutes();
        List<Scan> scans = List.of(scan(2, 0, Direction.IN), scan(2, maxStay + 1, Direction.OUT));
        List<ContactRule.Presence> p = ContactRule.presences(scans);
        assertEquals(2, p.size(), "a forgotten check-out leaves two presences of one instant");
        assertEquals(p.get(0).start(), p.get(0).end());

        List<Scan> closed = List.of(scan(3, 0, Direction.IN), scan(3, maxStay, Direction.OUT));
        List<ContactRule.Presence> stay = ContactRule.presences(closed);
        assertEquals(1, stay.size());
        assertEquals(maxStay * MIN, stay.get(0).end() - stay.get(0).start());
    }

    @Test
    void eachPresenceOfAContactIsReportedAtItsStart() {
        List<Scan> mine = List.of(scan(CASE, 100, Direction.IN), scan(CASE, 500, Direction.IN));
        List<Scan> others = List.of(scan(2, 110, Direction.IN), scan(2, 490, Direction.IN));
        List<ContactRule.Presence> found = ContactRule.contacts(mine, others, WINDOW);
        assertEquals(2, found.size());
        assertEquals(110 * MIN, found.get(0).start());
        assertEquals(490 * MIN, found.get(1).start());
    }

    @Test
    void readRangesArePaddedMergedAndNeverBeforeTheRetentionCutoff() {
        long pad = ContactRule.MAX_STAY.toMillis();
        List<Scan> mine = List.of(scan(CASE, 1000, Direction.IN), scan(CASE, 1010, Direction.IN));
        List<ContactRule.Range> ranges = ContactRule.ranges(mine, WINDOW, 0);
        assertEquals(1, ranges.size(), "overlapping ranges are merged");
        assertEquals(1000 * MIN - pad, ranges.get(0).from());
        assertEquals(1010 * MIN + pad, ranges.get(0).to());

        long cutoff = 900 * MIN;
        assertEquals(cutoff, ContactRule.ranges(mine, WINDOW, cutoff).get(0).from());
        long wide = Duration.ofHours(24).toMillis();
        List<Scan> late = List.of(scan(CASE, 3000, Direction.IN));
        assertEquals(3000 * MIN - wide, ContactRule.ranges(late, wide, 0).get(0).from(),
                "a window wider than the longest stay pads by the window");
    }
}
