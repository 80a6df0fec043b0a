package org.entrylog.owner;

import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.occupancy.Occupancy;
import org.entrylog.official.Sessions;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * A venue owner's API: {@code GET /api/owner/venues} (their venues, counts only: never a visitor)
 * and {@code DELETE /api/owner/sessions/current} (sign out). Owners sign in at
 * {@code POST /api/sessions}, like officials.
 */
public final class OwnerController {
    private final Database db;
    private final WriteQueue writes;
    private final Sessions sessions;
    private final Occupancy occupancy;
    private final Clock clock;
    private final org.entrylog.pass.QrRenderer qr;
    /** The configured public URL, else this server's, for the port the request came in on. */
    private final java.util.function.IntFunction<String> publicUrl;

    public OwnerController(Database db, WriteQueue writes, Sessions sessions, Occupancy occupancy, Clock clock,
                           org.entrylog.pass.QrRenderer qr, java.util.function.IntFunction<String> publicUrl) {
        this.qr = qr;
        this.publicUrl = publicUrl;
        this.db = db;
        this.writes = writes;
        this.sessions = sessions;
        this.occupancy = occupancy;
        this.clock = clock;
    }

    /** 200 {@code {"username","venues":[{"venueId","name","inside","capacity","asOf","scansToday"}]}}. */
    public void venues(Context ctx) {
        Sessions.Session s = Principal.of(ctx, OwnerPrincipal.class).session();
        touch(s);
        List<Long> ids = db.read(c -> OwnerAccounts.venuesOf(c, s.officialId()));
        List<Map<String, Object>> venues = new ArrayList<>();
        for (Occupancy.VenueCounts v : occupancy.counts(ids)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("venueId", v.venueId());
            m.put("name", v.name());
            m.put("inside", v.inside());
            m.put("capacity", v.capacity());
            m.put("asOf", v.asOf().toString());
            m.put("scansToday", v.scansToday());
            venues.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("username", s.username());
        m.put("venues", venues);
        Http.json(ctx, 200, m);
    }

    /**
     * 200 {@code {"venueId","name","passUrl","passQrPng"}}: the visitor poster of the door kit for one
     * of the owner's venues (the QR to /pass, made by the server); any other venue is the same 404.
     * The staff half of the kit needs the enrollment code, kept only hashed: it is the kit file
     * {@code venue add} wrote (venue/DoorKit).
     */
    public void poster(Context ctx) {
        Sessions.Session s = Principal.of(ctx, OwnerPrincipal.class).session();
        byte[] publicId = org.entrylog.common.Ids.decode(ctx.pathParam("venueId"), 16);
        org.entrylog.venue.VenueService.Venue v = publicId == null ? null : db.read(c -> {
            org.entrylog.venue.VenueService.Venue found = org.entrylog.venue.VenueService.byPublicId(c, publicId);
            return found != null && OwnerAccounts.sees(c, s.officialId(), found.id()) ? found : null;
        });
        if (v == null) {
            throw org.entrylog.common.ApiException.notFound();
        }
        String passUrl = publicUrl.apply(ctx.req().getLocalPort()) + "/pass";
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("venueId", ctx.pathParam("venueId"));
        m.put("name", v.name());
        m.put("passUrl", passUrl);
        m.put("passQrPng", qr.dataUrl(passUrl));
        Http.json(ctx, 200, m);
    }

    /** 204: the owner's session ends. */
    public void logout(Context ctx) {
        Sessions.Session s = Principal.of(ctx, OwnerPrincipal.class).session();
        long now = clock.millis();
        writes.execute(c -> {
            sessions.end(c, s, now);
            return null;
        });
        ctx.status(204);
    }

    /** The session stays alive while the owner page polls (idle expiry counts from the last request). */
    private void touch(Sessions.Session s) {
        long now = clock.millis();
        writes.execute(c -> {
            sessions.touch(c, s, now);
            return null;
        });
    }
}
