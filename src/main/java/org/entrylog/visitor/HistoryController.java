package org.entrylog.visitor;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.audit.AuditLog;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * {@code GET /api/visitors/{visitorId}/history}: a visitor's own visits, and every official access
 * whose answer contained them (when, for which case reference), newest first. Only for the visitor
 * named in the path (the VISITOR role's authenticator: an unknown id and a wrong secret get the same 401).
 *
 * <p>Accesses are found through {@code audit_access}, keyed by the visitor's public id, so a
 * visitor sees the queries that returned <em>them</em> and no one else's.
 */
public final class HistoryController {
    /** The answer; components in the order of the JSON. */
    public record History(List<Visit> visits, List<Access> accesses) {}

    /** One of the visitor's own visits. */
    public record Visit(String venueName, String scannedAt, Direction direction) {}

    /** An official access whose answer contained the visitor. */
    public record Access(String at, String caseRef) {}

    private final Database db;

    public HistoryController(Database db) {
        this.db = db;
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
        return new History(visits, accesses);
    }
}
