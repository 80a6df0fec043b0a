package org.entrylog.official;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.common.Json;
import org.entrylog.common.Text;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * The official endpoints that bind access to a purpose and a place: approvals
 * ({@code POST /api/approvals}, {@code POST /api/approvals/{approvalId}/grant},
 * {@code GET /api/approvals}) and the signed-in official's region scope
 * ({@code GET /api/sessions/current}). Each request, allowed or refused, is audited through
 * {@link OfficialController}'s audit frame; an approval and its grant are written in the same
 * transaction as their audit entry, so none is in force that the audit log does not show.
 *
 * <p>The reason of a request is kept with the approval (for the second official to judge, and
 * deleted with it by the retention purge), not in the audit log: it is free text, and the audit log
 * is kept a year and holds no text of an official's choosing beyond bounded parameters.
 */
public final class PurposeController {
    private static final Set<String> REQUEST_FIELDS = Set.of("caseRef", "venueId", "from", "to", "reason");
    public static final int MAX_REASON = 500;

    /** {@code POST /api/approvals} → 201. */
    public record Requested(String approvalId) {}

    /** {@code POST /api/approvals/{approvalId}/grant} → 200: the requester may list until {@code expiresAt}. */
    public record Granted(String approvalId, String grantedBy, String expiresAt) {}

    /** {@code GET /api/approvals}: live approvals at venues in the caller's regions, newest first. */
    public record Listed(List<Item> approvals) {}

    /**
     * One approval; {@code status} is {@code pending} (until granted, lapsing 24 h after the request)
     * or {@code granted}; {@code expiresAt} is when it lapses or stops allowing the list.
     */
    public record Item(String approvalId, String caseRef, String venueId, String venueName, String from, String to,
                       String reason, String requestedBy, String requestedAt, String status, String grantedBy,
                       String expiresAt) {}

    /** {@code GET /api/sessions/current}: who is signed in and where they see identities ([] = national). */
    public record Current(String username, List<String> regions, boolean national) {}

    private final OfficialController officials;
    private final VenueListRule rule;
    private final Database db;
    private final Clock clock;
    private final int maxBody;

    public PurposeController(OfficialController officials, VenueListRule rule, Database db, Clock clock,
                             int maxBody) {
        this.officials = officials;
        this.rule = rule;
        this.db = db;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    public void current(Context ctx) {
        officials.audited(ctx, "GET /api/sessions/current", a -> {
            Sessions.Session s = Principal.of(ctx, OfficialPrincipal.class).session();
            a.signedIn(s);
            RegionScope scope = rule.scope(s);
            ctx.header("Cache-Control", "no-store");
            return new OfficialController.Reply(200, new Current(s.username(), scope.sorted(), scope.national()),
                    null);
        });
    }

    public void request(Context ctx) {
        officials.audited(ctx, "POST /api/approvals", a -> {
            Sessions.Session s = Principal.of(ctx, OfficialPrincipal.class).session();
            a.signedIn(s);
            ObjectNode body = Json.object(Http.body(ctx, maxBody), REQUEST_FIELDS);
            a.caseRef = OfficialController.caseRef(a, text(body, "caseRef"));
            String venueText = text(body, "venueId");
            byte[] venueId = venueText == null ? null : Ids.decode(venueText, 16);
            a.query.put("venueId", venueId == null ? "<invalid>" : venueText);
            a.query.put("from", OfficialController.bounded(text(body, "from")));
            a.query.put("to", OfficialController.bounded(text(body, "to")));
            long[] window = officials.window(Json.string(body, "from", true), Json.string(body, "to", true));
            String reason = Text.require("reason", Json.string(body, "reason", true), MAX_REASON);
            a.query.put("reasonChars", reason.codePointCount(0, reason.length()));
            if (venueId == null) {
                throw ApiException.badRequest("'venueId' is not a venue id.");
            }
            VenueService.Venue venue = db.read(c -> VenueService.byPublicId(c, venueId));
            if (venue == null) {
                throw ApiException.notFound();
            }
            if (!rule.scope(s).covers(venue.region())) {
                throw ApiException.forbidden("This venue lies outside your regions: an approval does not widen them.");
            }
            byte[] approvalId = Ids.newId();
            a.query.put("approvalId", Ids.encode(approvalId));
            String caseRef = a.caseRef;
            long now = clock.millis();
            a.onAllowed.add(c -> {
                Approvals.insert(c, approvalId, caseRef, venueId, window[0], window[1], reason, s.username(), now);
                return null;
            });
            return new OfficialController.Reply(201, new Requested(Ids.encode(approvalId)), null);
        });
    }

    public void grant(Context ctx) {
        officials.audited(ctx, "POST /api/approvals/{approvalId}/grant", a -> {
            Sessions.Session s = Principal.of(ctx, OfficialPrincipal.class).session();
            a.signedIn(s);
            String idText = ctx.pathParam("approvalId");
            byte[] id = Ids.decode(idText, 16);
            a.query.put("approvalId", id == null ? "<invalid>" : idText);
            Approvals.Approval ap = id == null ? null : db.read(c -> Approvals.byPublicId(c, id));
            if (ap == null) {
                throw ApiException.notFound();
            }
            a.caseRef = ap.caseRef();
            a.query.put("venueId", Ids.encode(ap.venue()));
            a.query.put("from", Instant.ofEpochMilli(ap.from()).toString());
            a.query.put("to", Instant.ofEpochMilli(ap.to()).toString());
            a.query.put("requestedBy", ap.requestedBy());
            long now = clock.millis();
            // the four-eyes rule: one official alone cannot open a venue's register for a purpose of their own
            if (ap.requestedBy().equals(s.username())) {
                throw ApiException.forbidden("You cannot grant your own request: a second official must.");
            }
            if (ap.granted()) {
                throw ApiException.forbidden("This approval was already granted by " + ap.grantedBy() + ".");
            }
            if (!ap.live(now)) {
                throw ApiException.forbidden("This request lapsed: it was not granted within 24 hours.");
            }
            VenueService.Venue venue = db.read(c -> VenueService.byPublicId(c, ap.venue()));
            if (venue == null || !rule.scope(s).covers(venue.region())) {
                throw ApiException.forbidden("This venue lies outside your regions: only an official of its region "
                        + "may grant it.");
            }
            a.onAllowed.add(c -> {
                if (!Approvals.grant(c, ap.id(), s.username(), now)) {
                    throw new IllegalStateException("approval granted concurrently");
                }
                return null;
            });
            return new OfficialController.Reply(200, new Granted(idText, s.username(),
                    Instant.ofEpochMilli(now + Approvals.VALID.toMillis()).toString()), null);
        });
    }

    public void list(Context ctx) {
        officials.audited(ctx, "GET /api/approvals", a -> {
            Sessions.Session s = Principal.of(ctx, OfficialPrincipal.class).session();
            a.signedIn(s);
            long now = clock.millis();
            RegionScope scope = rule.scope(s);
            List<Item> items = db.read(c -> {
                List<Item> out = new ArrayList<>();
                for (Approvals.Approval ap : Approvals.live(c, now)) {
                    VenueService.Venue v = VenueService.byPublicId(c, ap.venue());
                    if (v == null || !scope.covers(v.region())) {
                        continue;
                    }
                    long until = (ap.granted() ? ap.grantedAt() : ap.requestedAt()) + Approvals.VALID.toMillis();
                    out.add(new Item(Ids.encode(ap.publicId()), ap.caseRef(), Ids.encode(ap.venue()), v.name(),
                            Instant.ofEpochMilli(ap.from()).toString(), Instant.ofEpochMilli(ap.to()).toString(),
                            ap.reason(), ap.requestedBy(), Instant.ofEpochMilli(ap.requestedAt()).toString(),
                            ap.granted() ? "granted" : "pending", ap.grantedBy(),
                            Instant.ofEpochMilli(until).toString()));
                }
                return out;
            });
            ctx.header("Cache-Control", "no-store");
            return new OfficialController.Reply(200, new Listed(items), null);
        });
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        return n != null && n.isTextual() ? n.textValue() : null;
    }
}
