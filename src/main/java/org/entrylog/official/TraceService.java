package org.entrylog.official;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import org.entrylog.visitor.VisitorService;

/**
 * The two official queries: a venue's visits in a time window, and a case trace.
 *
 * <p>A trace finds every visitor row with the case's phone hash (a registration and any number of
 * manual entries), lists their scans between {@code from} and {@code to}, and finds the contacts
 * by {@link ContactRule}, which the case's own visitor rows never are.
 *
 * <p>Reads go through the tables' owners, each on an index range: the case's scans by visitor and
 * time, the venue's scans around them by venue and time ({@link ScanStore}).
 */
public final class TraceService {
    /** An answer and the visitors it concerns (for the audit log). */
    public record Answer<T>(T body, List<byte[]> visitorIds) {}

    private final Database db;

    public TraceService(Database db) {
        this.db = db;
    }

    /** {@code GET /api/venues/{venueId}/visits}: every scan at the venue in [from, to]; 404 for an unknown venue. */
    public Answer<TraceAnswers.VenueVisits> venueVisits(byte[] venuePublicId, long from, long to) {
        return db.read(c -> {
            VenueService.Venue venue = VenueService.byPublicId(c, venuePublicId);
            if (venue == null) {
                throw ApiException.notFound();
            }
            List<TraceAnswers.VenueVisit> visits = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            List<byte[]> ids = new ArrayList<>();
            for (ScanStore.VisitAt v : ScanStore.visitsAt(c, venue.id(), from, to)) {
                String visitorId = Ids.encode(v.visitorPublicId());
                if (seen.add(visitorId)) {
                    ids.add(v.visitorPublicId());
                }
                visits.add(TraceAnswers.VenueVisit.of(v));
            }
            return new Answer<>(new TraceAnswers.VenueVisits(visits), ids);
        });
    }

    /**
     * {@code POST /api/traces}. {@code notBefore} is the retention cut-off: no scan older than it
     * is read, even around the window's edges. Contacts at venues outside {@code scope} come without
     * their identity, counted per region (docs/design.md, Regions; docs/threat-model.md T28).
     */
    public Answer<TraceAnswers.Trace> trace(String caseRef, byte[] phoneHash, long from, long to, long windowMillis,
                                            long notBefore, RegionScope scope) {
        return db.read(c -> {
            Map<Long, byte[]> caseVisitors = VisitorService.byPhoneHash(c, phoneHash);
            List<ScanStore.Scan> caseScans = new ArrayList<>();
            for (long id : caseVisitors.keySet()) {
                caseScans.addAll(ScanStore.visitsOf(c, id, Math.max(from, notBefore), to));
            }
            caseScans.sort(Comparator.comparingLong(ScanStore.Scan::at).thenComparingLong(ScanStore.Scan::seq));
            Map<Long, VenueService.Venue> venues = new HashMap<>();
            List<TraceAnswers.CaseVisit> visits = new ArrayList<>();
            Map<Long, List<ScanStore.Scan>> caseByVenue = new TreeMap<>();
            for (ScanStore.Scan s : caseScans) {
                visits.add(TraceAnswers.CaseVisit.of(venue(c, venues, s.venueId()), s));
                caseByVenue.computeIfAbsent(s.venueId(), k -> new ArrayList<>()).add(s);
            }
            List<Found> found = new ArrayList<>();
            for (var e : caseByVenue.entrySet()) {
                List<ScanStore.Scan> mine = e.getValue();
                VenueService.Venue venue = venues.get(e.getKey());
                for (ContactRule.Range range : ContactRule.ranges(mine, windowMillis, notBefore)) {
                    List<ScanStore.Scan> others = new ArrayList<>();
                    Map<Long, ScanStore.VisitAt> visitor = new HashMap<>();
                    for (ScanStore.VisitAt v : ScanStore.visitsAt(c, e.getKey(), range.from(), range.to())) {
                        if (caseVisitors.containsKey(v.scan().visitorId())) {
                            continue;
                        }
                        others.add(v.scan());
                        visitor.putIfAbsent(v.scan().visitorId(), v);
                    }
                    for (ContactRule.Match m : ContactRule.ranked(mine, others, windowMillis)) {
                        found.add(new Found(m, venue, visitor.get(m.presence().visitorId())));
                    }
                }
            }
            // contacts in the case's area first (they shared a room, the others only the venue), each part by time
            found.sort(Comparator.comparing((Found f) -> !f.match().sameArea())
                    .thenComparingLong(f -> f.presence().start())
                    .thenComparingLong(f -> f.presence().first().seq()));
            Set<String> seen = new LinkedHashSet<>();
            List<byte[]> ids = new ArrayList<>(caseVisitors.values());
            caseVisitors.values().forEach(id -> seen.add(Ids.encode(id)));
            List<TraceAnswers.Contact> contacts = new ArrayList<>(found.size());
            Map<String, Set<String>> outside = new TreeMap<>(Comparator.nullsFirst(Comparator.naturalOrder()));
            for (Found f : found) {
                TraceAnswers.Contact contact = TraceAnswers.Contact.of(f.match(), f.venue(), f.visitor());
                if (seen.add(contact.visitorId())) {
                    ids.add(f.visitor().visitorPublicId());
                }
                if (!scope.covers(f.venue().region())) {
                    outside.computeIfAbsent(f.venue().region(), k -> new LinkedHashSet<>()).add(contact.visitorId());
                    contact = contact.withoutIdentity();
                }
                contacts.add(contact);
            }
            List<TraceAnswers.RegionCount> counts = new ArrayList<>();
            outside.forEach((region, visitors) -> counts.add(new TraceAnswers.RegionCount(region, visitors.size())));
            return new Answer<>(new TraceAnswers.Trace(caseRef, visits, contacts, counts), ids);
        });
    }

    /** A contact's presence, where, and who (the visitor's first scan read in its range). */
    private record Found(ContactRule.Match match, VenueService.Venue venue, ScanStore.VisitAt visitor) {
        ContactRule.Presence presence() {
            return match.presence();
        }
    }

    private static VenueService.Venue venue(Connection c, Map<Long, VenueService.Venue> cache, long id)
            throws SQLException {
        VenueService.Venue v = cache.get(id);
        if (v == null) {
            v = VenueService.byId(c, id);
            cache.put(id, v);
        }
        return v;
    }
}
