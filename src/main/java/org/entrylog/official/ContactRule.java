package org.entrylog.official;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore.Scan;

/**
 * Who counts as a contact of a case, at one venue: a pure function over scans, so the rule is
 * tested without a database or a server.
 *
 * <p>A contact is another visitor who, at the same venue,
 * <ol>
 *   <li>was scanned {@code in} within {@code window} (inclusive) of any scan of the case there,
 *       in or out; or</li>
 *   <li>was present while the case was: their presence overlaps the case's (closed intervals).</li>
 * </ol>
 * A presence is a stay from an {@code in} to the same visitor's next scan at that venue when that
 * scan is an {@code out} no more than {@link #MAX_STAY} later; an {@code in} without such an
 * {@code out}, and an {@code out} without its {@code in}, are presences of one instant. One contact
 * is reported per matching presence, at the time it began.
 *
 * <p>Areas (issue 16): each scan carries the area of the tablet that took it ("terrace", "front
 * door"; null when none), and a presence has the area of the scan that began it. A contact is in the
 * <em>same area</em> as the case when one of the case's scans or presences that make it a contact
 * (by either rule above) has the contact's area, compared without regard to case or surrounding
 * spaces; an unknown area is never the same. {@link #ranked} puts the contacts in the same area
 * first: they shared a room, the others only a venue.
 */
public final class ContactRule {
    /** An {@code out} further than this from its {@code in} does not close a stay (a forgotten check-out). */
    public static final Duration MAX_STAY = Duration.ofHours(12);

    /** A presence of one visitor at one venue: [start, end] in epoch millis, begun by the scan {@code first}. */
    public record Presence(long visitorId, long start, long end, Scan first) {}

    /**
     * A contact with its area (null: none), the case's area it was found against (the same area when
     * there is one, else that of the first case scan or presence that matched; null: none), and
     * whether the two are the same area.
     */
    public record Match(Presence presence, String area, String caseArea, boolean sameArea) {}

    /** A time range [from, to] in epoch millis. */
    public record Range(long from, long to) {}

    private ContactRule() {}

    /**
     * The presences of other visitors that make them contacts of the case.
     *
     * @param caseScans  the case's scans at the venue, in time order
     * @param others     other visitors' scans at the venue, in time order (the case's own rows excluded)
     * @param window     the in-scan window in millis
     */
    public static List<Presence> contacts(List<Scan> caseScans, List<Scan> others, long window) {
        List<Presence> casePresences = presences(caseScans);
        Map<Long, List<Scan>> byVisitor = new LinkedHashMap<>();
        for (Scan s : others) {
            byVisitor.computeIfAbsent(s.visitorId(), k -> new ArrayList<>()).add(s);
        }
        List<Presence> out = new ArrayList<>();
        for (List<Scan> scans : byVisitor.values()) {
            for (Presence p : presences(scans)) {
                if (isContact(p, caseScans, casePresences, window)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    static boolean isContact(Presence p, List<Scan> caseScans, List<Presence> casePresences, long window) {
        return !matchingCaseAreas(p, caseScans, casePresences, window).isEmpty();
    }

    /**
     * The areas of the case's scans and presences that make {@code p} a contact (an entry per match,
     * null for one without an area); empty when {@code p} is no contact.
     */
    static List<String> matchingCaseAreas(Presence p, List<Scan> caseScans, List<Presence> casePresences,
                                          long window) {
        List<String> areas = new ArrayList<>();
        if (p.first().direction() == Direction.IN) {
            for (Scan c : caseScans) {
                if (Math.abs(p.start() - c.at()) <= window) {
                    areas.add(c.area());
                }
            }
        }
        for (Presence c : casePresences) {
            if (p.start() <= c.end() && c.start() <= p.end()) {
                areas.add(c.first().area());
            }
        }
        return areas;
    }

    /**
     * The contacts of {@link #contacts}, each with its area and the case's, those in the same area as
     * the case first, otherwise in the order found (by visitor, then time).
     */
    public static List<Match> ranked(List<Scan> caseScans, List<Scan> others, long window) {
        List<Presence> casePresences = presences(caseScans);
        List<Match> out = new ArrayList<>();
        for (Presence p : contacts(caseScans, others, window)) {
            String area = p.first().area();
            List<String> caseAreas = matchingCaseAreas(p, caseScans, casePresences, window);
            String caseArea = caseAreas.isEmpty() ? null : caseAreas.get(0);
            boolean same = false;
            for (String a : caseAreas) {
                if (sameArea(area, a)) {
                    same = true;
                    caseArea = a;
                    break;
                }
            }
            out.add(new Match(p, area, caseArea, same));
        }
        out.sort(Comparator.comparing((Match m) -> !m.sameArea())); // stable: the rest keep their order
        return out;
    }

    /** Whether two areas are the same one: both known, equal without regard to case or outer spaces. */
    public static boolean sameArea(String a, String b) {
        return a != null && b != null && !a.isBlank() && a.strip().equalsIgnoreCase(b.strip());
    }

    /** Pairs one venue's scans (time order, any visitors) into presences, visitor by visitor. */
    public static List<Presence> presences(List<Scan> scans) {
        Map<Long, Scan> open = new LinkedHashMap<>();
        List<Presence> out = new ArrayList<>();
        for (Scan s : scans) {
            Scan pending = open.remove(s.visitorId());
            if (s.direction() == Direction.IN) {
                if (pending != null) {
                    out.add(instant(pending));
                }
                open.put(s.visitorId(), s);
            } else if (pending != null && s.at() - pending.at() <= MAX_STAY.toMillis()) {
                out.add(new Presence(s.visitorId(), pending.at(), s.at(), pending));
            } else {
                if (pending != null) {
                    out.add(instant(pending));
                }
                out.add(instant(s));
            }
        }
        for (Scan pending : open.values()) {
            out.add(instant(pending));
        }
        return out;
    }

    private static Presence instant(Scan s) {
        return new Presence(s.visitorId(), s.at(), s.at(), s);
    }

    /**
     * The time ranges to read around the case's scans at a venue so that every possible contact
     * is seen: each presence padded by the larger of the window and {@link #MAX_STAY}, merged, and
     * never before the retention cut-off {@code notBefore}.
     */
    public static List<Range> ranges(List<Scan> caseScans, long window, long notBefore) {
        long pad = Math.max(window, MAX_STAY.toMillis());
        List<long[]> raw = new ArrayList<>();
        for (Presence p : presences(caseScans)) {
            raw.add(new long[] {Math.max(notBefore, p.start() - pad), p.end() + pad});
        }
        raw.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : raw) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        List<Range> out = new ArrayList<>(merged.size());
        for (long[] r : merged) {
            out.add(new Range(r[0], r[1]));
        }
        return out;
    }
}
