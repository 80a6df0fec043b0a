package org.entrylog.visitor;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.audit.AuditLog;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.notice.Notices;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.entrylog.venue.VenueService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * {@code GET /api/visitors/{visitorId}/history}: a visitor's own visits, and every official access
 * whose answer contained them (when, for which case reference), and the exposure notices sent to
 * them, newest first; and {@code POST /api/visitors/{visitorId}/notices/{noticeId}/acknowledge}. Only
 * for the visitor named in the path (the VISITOR role's authenticator: an unknown id and a wrong
 * secret get the same 401); another visitor's notice is the same 404 as none.
 *
 * <p>Accesses are found through {@code audit_access}, keyed by the visitor's public id, so a
 * visitor sees the queries that returned <em>them</em> and no one else's.
 */
public final class HistoryController {
    /** The answer; components in the order of the JSON. */
    public record History(List<Visit> visits, List<Access> accesses, List<Notice> notices) {}

    /** One of the visitor's own visits. */
    public record Visit(String venueName, String scannedAt, Direction direction) {}

    /** An official access whose answer contained the visitor. */
    public record Access(String at, String caseRef) {}

    /**
     * An exposure notice: sent {@code at}, what to do ({@code test} or {@code isolate}), the
     * official's message (plain text, or null), where and when the visitor overlapped the case, and
     * when the visitor acknowledged it (null until then).
     */
    public record Notice(String noticeId, String at, String level, String message, String venueName, String visitAt,
                         String acknowledgedAt) {}

    /** {@code POST …/notices/{noticeId}/acknowledge} → 200. */
    public record Acknowledged(String noticeId, String acknowledgedAt) {}

    private final Database db;
    private final WriteQueue writes;
    private final Clock clock;

    public HistoryController(Database db, WriteQueue writes, Clock clock) {
        this.db = db;
        this.writes = writes;
        this.clock = clock;
    }

    /** Acknowledges one of the visitor's own notices; again is the same answer with the first time. */
    public void acknowledge(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        String idText = ctx.pathParam("noticeId");
        byte[] id = Ids.decode(idText, 16);
        if (id == null) {
            throw ApiException.notFound();
        }
        long now = clock.millis();
        Long at = writes.execute(c -> Notices.acknowledge(c, v.publicId(), id, now));
        if (at == null) {
            throw ApiException.notFound();
        }
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 200, new Acknowledged(idText, Instant.ofEpochMilli(at).toString()));
    }

    public void history(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        History body = db.read(c -> history(c, v));
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 200, body);
    }

    /** The visits (venue names looked up once each) and the accesses, as the JSON lists them. */
    static History history(Connection c, VisitorService.Visitor v) throws SQLException {
        Map<Long, String> venueNames = new HashMap<>();
        List<Visit> visits = new ArrayList<>();
        for (ScanStore.Scan s : ScanStore.visitsOf(c, v.id())) {
            String name = venueNames.get(s.venueId());
            if (name == null) {
                name = VenueService.byId(c, s.venueId()).name();
                venueNames.put(s.venueId(), name);
            }
            visits.add(new Visit(name, Instant.ofEpochMilli(s.at()).toString(), s.direction()));
        }
        List<Access> accesses = new ArrayList<>();
        for (AuditLog.Access a : AuditLog.accessesOf(c, v.publicId())) {
            accesses.add(new Access(Instant.ofEpochMilli(a.at()).toString(), a.caseRef()));
        }
        List<Notice> notices = new ArrayList<>();
        for (Notices.Notice n : Notices.of(c, v.publicId())) {
            VenueService.Venue venue = VenueService.byPublicId(c, n.venue());
            notices.add(new Notice(Ids.encode(n.publicId()), Instant.ofEpochMilli(n.sentAt()).toString(),
                    n.level().wire(), n.message(), venue == null ? null : venue.name(),
                    Instant.ofEpochMilli(n.visitAt()).toString(),
                    n.acknowledgedAt() == null ? null : Instant.ofEpochMilli(n.acknowledgedAt()).toString()));
        }
        return new History(visits, accesses, notices);
    }
}
