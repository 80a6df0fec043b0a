package org.entrylog.owner;

import io.javalin.http.Context;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;
import org.entrylog.audit.AuditLog;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.common.Json;
import org.entrylog.common.Text;
import org.entrylog.official.Sessions;
import org.entrylog.pass.QrRenderer;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.entrylog.venue.DeviceSightings;
import org.entrylog.venue.DoorKit;
import org.entrylog.venue.VenueService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A venue owner's tablets (issue 16): list them with label, area, enrolled and last-seen times,
 * today's scans and the offline queue each last reported; change a label or area; revoke one; make
 * a new enrollment code (the old one stops enrolling with the same commit), shown once with its QR
 * and the door kit made again with it.
 *
 * <p>Another owner's venue, an unknown venue, a malformed id and a tablet of another venue all
 * answer the same 404 (docs/threat-model.md T49); nothing here carries a visitor. Every change, and
 * every request refused for naming a venue or tablet the owner does not have, is written to
 * {@code audit_log} in the same transaction as the change, under the owner's username (no case
 * reference, no visitor ids), with the owner's session touched, as official requests are.
 */
public final class TabletController {
    private static final Logger LOG = LoggerFactory.getLogger(TabletController.class);
    private static final Set<String> EDIT_FIELDS = Set.of("label", "area");
    static final String LIST = "GET /api/owner/venues/{venueId}/devices";
    static final String EDIT = "POST /api/owner/venues/{venueId}/devices/{deviceId}";
    static final String REVOKE = "POST /api/owner/venues/{venueId}/devices/{deviceId}/revoke";
    static final String NEW_CODE = "POST /api/owner/venues/{venueId}/enrollment-code";

    private final Database db;
    private final WriteQueue writes;
    private final Sessions sessions;
    private final DeviceSightings sightings;
    private final Clock clock;
    private final QrRenderer qr;
    private final DoorKit kit;
    private final Path dataDir;
    private final IntFunction<String> publicUrl;
    private final int maxBody;

    public TabletController(Database db, WriteQueue writes, Sessions sessions, DeviceSightings sightings, Clock clock,
                            QrRenderer qr, Path dataDir, IntFunction<String> publicUrl, int maxBody) {
        this.db = db;
        this.writes = writes;
        this.sessions = sessions;
        this.sightings = sightings;
        this.clock = clock;
        this.qr = qr;
        this.kit = new DoorKit(qr);
        this.dataDir = dataDir;
        this.publicUrl = publicUrl;
        this.maxBody = maxBody;
    }

    /** One tablet as the owner sees it; times ISO-8601 (null: never / none). */
    public record TabletView(String deviceId, String label, String area, String enrolledAt, String lastSeenAt,
                             long scansToday, Integer queuedScans, String oldestQueuedAt, String queueReportedAt,
                             boolean revoked) {}

    /** {@code GET …/devices}: 200 {@code {"venueId","devices":[…]}}, revoked tablets too, oldest first. */
    public void list(Context ctx) {
        Sessions.Session s = session(ctx);
        String venueId = ctx.pathParam("venueId");
        long now = clock.millis();
        long midnight = startOfToday();
        List<TabletView> views = db.read(c -> {
            VenueService.Venue v = ownVenue(c, s, venueId);
            if (v == null) {
                return null;
            }
            Map<Long, Long> today = ScanStore.countByDevice(c, v.id(), midnight, now + 1);
            List<TabletView> out = new ArrayList<>();
            for (VenueService.Tablet t : VenueService.tabletsOf(c, v.id())) {
                out.add(view(t, today.getOrDefault(t.id(), 0L)));
            }
            return out;
        });
        if (views == null) {
            refuse(s, LIST, venueId, null);
        }
        touch(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("venueId", venueId);
        m.put("devices", views);
        Http.json(ctx, 200, m);
    }

    /** {@code POST …/devices/{deviceId}} {@code {"label"?,"area"?}}: 200, the tablet as listed. */
    public void edit(Context ctx) {
        Sessions.Session s = session(ctx);
        String venueId = ctx.pathParam("venueId");
        String deviceId = ctx.pathParam("deviceId");
        var body = Json.object(Http.body(ctx, maxBody), EDIT_FIELDS);
        String label = Json.string(body, "label", false);
        label = label == null ? null : Text.require("label", label.trim(), VenueService.MAX_LABEL);
        boolean areaGiven = body.has("area");
        String area = Json.string(body, "area", false);
        area = area == null || area.isBlank() ? null : Text.require("area", area.trim(), VenueService.MAX_LABEL);
        if (label == null && !areaGiven) {
            throw ApiException.badRequest("Give a 'label', an 'area' (null or \"\" for none), or both.");
        }
        String newLabel = label;
        String newArea = area;
        long now = clock.millis();
        VenueService.Tablet changed = writes.execute(c -> {
            VenueService.Venue v = ownVenue(c, s, venueId);
            VenueService.Tablet t = v == null ? null : VenueService.tabletAt(c, v.id(), deviceId);
            if (t == null) {
                return null;
            }
            String l = newLabel == null ? t.label() : newLabel;
            String a = areaGiven ? newArea : t.area();
            VenueService.relabel(c, t.id(), l, a);
            Map<String, Object> q = query(venueId, deviceId);
            q.put("label", l);
            q.put("area", a);
            record(c, s, EDIT, q, 200, now);
            return VenueService.tabletAt(c, v.id(), deviceId);
        });
        if (changed == null) {
            refuse(s, EDIT, venueId, deviceId);
        }
        Http.json(ctx, 200, view(changed, scansToday(changed)));
    }

    /**
     * {@code POST …/devices/{deviceId}/revoke}: 200, the tablet as listed, now revoked; it is refused
     * from its next request. Revoking one already revoked answers it as it is.
     */
    public void revoke(Context ctx) {
        Sessions.Session s = session(ctx);
        String venueId = ctx.pathParam("venueId");
        String deviceId = ctx.pathParam("deviceId");
        long now = clock.millis();
        VenueService.Tablet revoked = writes.execute(c -> {
            VenueService.Venue v = ownVenue(c, s, venueId);
            VenueService.Tablet t = v == null ? null : VenueService.tabletAt(c, v.id(), deviceId);
            if (t == null) {
                return null;
            }
            boolean was = VenueService.revoke(c, t.id(), now);
            Map<String, Object> q = query(venueId, deviceId);
            q.put("revoked", was ? "now" : "already");
            record(c, s, REVOKE, q, 200, now);
            return VenueService.tabletAt(c, v.id(), deviceId);
        });
        if (revoked == null) {
            refuse(s, REVOKE, venueId, deviceId);
        }
        Http.json(ctx, 200, view(revoked, scansToday(revoked)));
    }

    /**
     * {@code POST …/enrollment-code}: 201 {@code {"venueId","name","enrollmentCode","enrollmentUrl",
     * "enrollmentQrPng","passUrl","passQrPng"}}. The old code stops enrolling with this commit (the
     * logic of {@code venue rotate-code}); tablets enrolled with it keep working. The new code is in
     * this answer only (stored hashed), and in the door kit file written again into the data folder
     * (venue/DoorKit), which the page prints from the answer.
     */
    public void newCode(Context ctx) {
        Sessions.Session s = session(ctx);
        String venueId = ctx.pathParam("venueId");
        long now = clock.millis();
        record Rotated(String name, String code) {
            @Override
            public String toString() {
                return "Rotated[" + name + ", code=[REDACTED]]";
            }
        }
        Rotated r = writes.execute(c -> {
            VenueService.Venue v = ownVenue(c, s, venueId);
            if (v == null) {
                return null;
            }
            String code = VenueService.rotateCode(c, v.id());
            record(c, s, NEW_CODE, query(venueId, null), 201, now);
            return new Rotated(v.name(), code);
        });
        if (r == null) {
            refuse(s, NEW_CODE, venueId, null);
        }
        DoorKit.Links links = DoorKit.links(publicUrl.apply(ctx.req().getLocalPort()), r.code());
        try {
            kit.write(dataDir, venueId, r.name(), links.enrollmentUrl(), links.passUrl());
        } catch (RuntimeException e) { // the code is changed and answered; the page prints the kit itself
            LOG.warn("could not write the door kit of a venue after a new enrollment code: {}", e.getMessage());
        }
        ctx.header("Cache-Control", "no-store");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("venueId", venueId);
        m.put("name", r.name());
        m.put("enrollmentCode", r.code());
        m.put("enrollmentUrl", links.enrollmentUrl());
        m.put("enrollmentQrPng", qr.dataUrl(links.enrollmentUrl()));
        m.put("passUrl", links.passUrl());
        m.put("passQrPng", qr.dataUrl(links.passUrl()));
        Http.json(ctx, 201, m);
    }

    private static Sessions.Session session(Context ctx) {
        return Principal.of(ctx, OwnerPrincipal.class).session();
    }

    /** The venue with this public id when the owner sees it, else null (one answer for every other case). */
    private static VenueService.Venue ownVenue(Connection c, Sessions.Session s, String venueId) throws SQLException {
        byte[] publicId = Ids.decode(venueId, 16);
        VenueService.Venue v = publicId == null ? null : VenueService.byPublicId(c, publicId);
        return v != null && OwnerAccounts.sees(c, s.officialId(), v.id()) ? v : null;
    }

    private TabletView view(VenueService.Tablet t, long scansToday) {
        DeviceSightings.QueueReport q = sightings.latest(t.id(), t.queue());
        return new TabletView(t.deviceId(), t.label(), t.area(), iso(t.enrolledAt()), iso(t.lastSeenAt()), scansToday,
                q == null ? null : q.queued(), q == null ? null : iso(q.oldestAt()),
                q == null ? null : iso(q.reportedAt()), t.revoked());
    }

    private long scansToday(VenueService.Tablet t) {
        long now = clock.millis();
        long midnight = startOfToday();
        return db.read(c -> ScanStore.countOfDevice(c, t.id(), midnight, now + 1));
    }

    /** Midnight of today in the server's zone: where "scans today" begins. */
    private long startOfToday() {
        return LocalDate.now(clock).atStartOfDay(clock.getZone()).toInstant().toEpochMilli();
    }

    private static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static Map<String, Object> query(String venueId, String deviceId) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("venueId", venueId);
        if (deviceId != null) {
            q.put("deviceId", deviceId);
        }
        return q;
    }

    /** An owner's action in the audit log, with the session touched, on the writer's connection. */
    private void record(Connection c, Sessions.Session s, String action, Map<String, Object> query, int status,
                        long now) throws SQLException {
        AuditLog.append(c, new AuditLog.Entry(now, s.username(), action, null, Json.write(query), "json", status,
                status < 300 ? null : "not_found", List.of()));
        sessions.touch(c, s, now);
    }

    /** Records the refusal and answers the one 404 (never saying whether the venue or tablet exists). */
    private void refuse(Sessions.Session s, String action, String venueId, String deviceId) {
        long now = clock.millis();
        Map<String, Object> q = query(venueId == null ? null : truncate(venueId), deviceId == null ? null
                : truncate(deviceId));
        writes.execute(c -> {
            record(c, s, action, q, 404, now);
            return null;
        });
        throw ApiException.notFound();
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private void touch(Sessions.Session s) {
        long now = clock.millis();
        writes.execute(c -> {
            sessions.touch(c, s, now);
            return null;
        });
    }
}
