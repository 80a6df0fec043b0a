package org.entrylog.official;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.entrylog.common.Ids;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.venue.VenueService;

/**
 * The JSON of the two official answers, as records whose components are in the order the API
 * writes them (Jackson follows declaration order). Field names are part of the API: do not rename.
 */
public final class TraceAnswers {
    private TraceAnswers() {}

    /** {@code GET /api/venues/{venueId}/visits}. */
    public record VenueVisits(List<VenueVisit> visits) {}

    /**
     * One scan at the venue; the identity sealed to the health authority's key. {@code companions}:
     * people let in with it (0–9), who are contacts too but have no record of their own.
     */
    public record VenueVisit(String scanId, String visitorId, String scannedAt, Direction direction,
                             int companions, String sealedIdentity) {
        static VenueVisit of(ScanStore.VisitAt v) {
            return new VenueVisit(Ids.encode(v.scanId()), Ids.encode(v.visitorPublicId()),
                    Instant.ofEpochMilli(v.scan().at()).toString(), v.scan().direction(), v.scan().companions(),
                    Ids.encode(v.sealedIdentity()));
        }
    }

    /**
     * {@code POST /api/traces}. {@code contactsOutsideRegion}: for the contacts at venues outside the
     * official's regions (whose {@code sealedIdentity} is left out), how many distinct visitors per
     * venue region ({@code null}: venues in no region); empty for a national official.
     */
    public record Trace(String caseRef, List<CaseVisit> visits, List<Contact> contacts,
                        List<RegionCount> contactsOutsideRegion) {}

    /** Contacts (distinct visitors) at venues of one region outside the official's regions. */
    public record RegionCount(String region, int contacts) {}

    /** One scan of the case, with the area of the tablet that took it (null: none). */
    public record CaseVisit(String venueId, String venueName, String scannedAt, Direction direction,
                            int companions, String area) {
        static CaseVisit of(VenueService.Venue v, ScanStore.Scan s) {
            return new CaseVisit(Ids.encode(v.publicId()), v.name(), Instant.ofEpochMilli(s.at()).toString(),
                    s.direction(), s.companions(), s.area());
        }
    }

    /**
     * A contact: another visitor's presence that meets the contact rule, at the time it began, with
     * the companions let in by the scan that began it; its area, the case's area it was found against,
     * and whether they are the same (such contacts come first: ContactRule.ranked).
     */
    public record Contact(String visitorId, String venueId, String venueName, String scannedAt, int companions,
                          String area, String caseArea, boolean sameArea,
                          @JsonInclude(JsonInclude.Include.NON_NULL) String sealedIdentity) {
        /** This contact without the identity: at a venue outside the official's regions. */
        Contact withoutIdentity() {
            return new Contact(visitorId, venueId, venueName, scannedAt, companions, area, caseArea, sameArea, null);
        }

        static Contact of(ContactRule.Match m, VenueService.Venue venue, ScanStore.VisitAt visitor) {
            ContactRule.Presence p = m.presence();
            return new Contact(Ids.encode(visitor.visitorPublicId()), Ids.encode(venue.publicId()), venue.name(),
                    Instant.ofEpochMilli(p.start()).toString(), p.first().companions(), m.area(), m.caseArea(),
                    m.sameArea(), Ids.encode(visitor.sealedIdentity()));
        }
    }
}
