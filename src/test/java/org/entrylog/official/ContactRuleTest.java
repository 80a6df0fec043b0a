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
    private Scan scanIn(long visitor, long minute, Direction d, String area) {
        return new Scan(++seq, visitor, 7, minute * MIN, d, 0, area);
    }

    @Test
    void contactsInTheCasesAreaAreRankedAboveThoseElsewhereInTheVenue() {
        List<Scan> mine = List.of(scanIn(CASE, 100, Direction.IN, "terrace"), scanIn(CASE, 160, Direction.OUT, "terrace"));
        List<Scan> others = List.of(
                scanIn(2, 90, Direction.IN, "front door"),   // earlier, elsewhere in the venue
                scanIn(3, 110, Direction.IN, " Terrace "),   // the same area, written differently
                scanIn(4, 120, Direction.IN, null),          // a tablet without an area
                scanIn(5, 125, Direction.IN, "terrace"));
        List<ContactRule.Match> ranked = ContactRule.ranked(mine, others, WINDOW);
        assertEquals(List.of(3L, 5L, 2L, 4L), ranked.stream().map(m -> m.presence().visitorId()).toList());
        assertEquals(List.of(true, true, false, false), ranked.stream().map(ContactRule.Match::sameArea).toList());
        assertEquals(" Terrace ", ranked.get(0).area());
        assertEquals("terrace", ranked.get(0).caseArea());
        assertEquals("front door", ranked.get(2).area());
        assertEquals("terrace", ranked.get(2).caseArea(), "the case's area it was found against");
        assertEquals(null, ranked.get(3).area());
        // the ranking changes the order only: the same contacts as the rule without areas
        assertEquals(List.of(2L, 3L, 4L, 5L), contactVisitors(mine, others));
    }

    @Test
    void theSameAreaCountsOnlyForTheCaseScanThatMadeTheContact() {
        // the case was at the terrace at 100 and at the front door at 300; visitor 2 came in at the
        // terrace at 310 (a contact only through the front-door scan): not the same area
        List<Scan> mine = List.of(scanIn(CASE, 100, Direction.IN, "terrace"), scanIn(CASE, 300, Direction.IN, "front door"));
        List<ContactRule.Match> ranked = ContactRule.ranked(mine, List.of(scanIn(2, 310, Direction.IN, "terrace")), WINDOW);
        assertEquals(1, ranked.size());
        assertEquals(false, ranked.get(0).sameArea());
        assertEquals("front door", ranked.get(0).caseArea());
        // and an unknown area is never the same as another unknown one
        List<ContactRule.Match> unknown = ContactRule.ranked(List.of(scanIn(CASE, 100, Direction.IN, null)),
                List.of(scanIn(2, 100, Direction.IN, null)), WINDOW);
        assertEquals(false, unknown.get(0).sameArea());
        assertEquals(false, ContactRule.sameArea("", ""));
    }
}
