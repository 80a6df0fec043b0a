package org.entrylog.occupancy;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.owner.OwnerAccounts;
import org.entrylog.owner.OwnerPrincipal;
import org.entrylog.store.Database;
import org.entrylog.venue.DevicePrincipal;
import org.entrylog.venue.VenueService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * {@code GET /api/venues/{venueId}/occupancy}, for a tablet of that venue or its owner (a route of
 * the roles DEVICE and VENUE_OWNER). Any other venue, existing or not, is the same 404
 * {@code not_found}, so the answer tells no one which venues exist.
 */
public final class OccupancyController {
    private final Database db;
    private final Occupancy occupancy;

    public OccupancyController(Database db, Occupancy occupancy) {
        this.db = db;
        this.occupancy = occupancy;
    }

    public void get(Context ctx) {
        byte[] publicId = Ids.decode(ctx.pathParam("venueId"), 16);
        Object caller = ctx.attribute(Principal.ATTRIBUTE);
        Long venueId = publicId == null ? null : db.read(c -> {
            VenueService.Venue v = VenueService.byPublicId(c, publicId);
            if (v == null) {
                return null;
            }
            boolean allowed;
            if (caller instanceof DevicePrincipal d) {
                allowed = d.device().venueId() == v.id();
            } else if (caller instanceof OwnerPrincipal o) {
                allowed = OwnerAccounts.sees(c, o.session().officialId(), v.id());
            } else {
                throw new IllegalStateException("occupancy has no caller of its roles");
            }
            return allowed ? v.id() : null;
        });
        Occupancy.Answer a = venueId == null ? null : occupancy.of(venueId);
        if (a == null) {
            throw ApiException.notFound();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("inside", a.inside());
        m.put("capacity", a.capacity());
        m.put("asOf", a.asOf().toString());
        Http.json(ctx, 200, m);
    }
}
