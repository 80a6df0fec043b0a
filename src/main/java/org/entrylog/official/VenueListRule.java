package org.entrylog.official;

import java.time.Clock;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;

/**
 * When an official may list a venue's visits (docs/design.md, the approval rule and Regions): the
 * venue lies in the official's regions (else 403 {@code forbidden}: no approval widens a region),
 * and [from, to] lies within the window of a case visit at that venue that a trace under the same
 * caseRef found ({@link TraceReach}), or inside a live approval a second official granted to this
 * official ({@link Approvals}); otherwise 403 {@code needs_approval}.
 *
 * <p>Defends against a venue's whole register being read under any well-formed case reference for
 * a purpose other than the case (docs/threat-model.md T28): the audit log shows such a read after
 * the fact, this rule prevents it before.
 */
public final class VenueListRule {
    private final Database db;
    private final Clock clock;

    public VenueListRule(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The signed-in official's regions. */
    public RegionScope scope(Sessions.Session s) {
        return db.read(c -> OfficialAccounts.scope(c, s.officialId()));
    }

    /** Passes when {@code s} may list the venue in [from, to] under {@code caseRef}; throws the refusal otherwise. */
    public void require(Sessions.Session s, byte[] venuePublicId, String caseRef, long from, long to, long notBefore) {
        long now = clock.millis();
        db.read(c -> {
            VenueService.Venue venue = VenueService.byPublicId(c, venuePublicId);
            if (venue == null) {
                throw ApiException.notFound();
            }
            if (!OfficialAccounts.scope(c, s.officialId()).covers(venue.region())) {
                throw ApiException.forbidden("This venue lies outside your regions: its visits are listed only by "
                        + "officials of its region.");
            }
            if (TraceReach.covers(c, caseRef, venuePublicId, from, to, notBefore)
                    || Approvals.covers(c, s.username(), caseRef, venuePublicId, from, to, now)) {
                return null;
            }
            throw new ApiException(ErrorCode.NEEDS_APPROVAL, "A venue is listed only within the window of a case "
                    + "visit that a trace under this caseRef found there, or inside an approval a second official "
                    + "granted you (POST /api/approvals).");
        });
    }
}
