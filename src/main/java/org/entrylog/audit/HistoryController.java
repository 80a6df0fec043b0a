package org.entrylog.audit;

import io.javalin.http.Context;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Json;
import org.entrylog.store.Database;
import org.entrylog.visitor.VisitorPrincipal;
import org.entrylog.visitor.VisitorService;
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
    private final Database db;

    public HistoryController(Database db) {
        this.db = db;
    }

    public void history(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        Map<String, Object> body = db.read(c -> {
            List<Map<String, Object>> visits = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT ve.name, s.scanned_at, s.direction FROM scan_log s JOIN venue ve ON ve.id = s.venue_id"
                            + " WHERE s.visitor_id = ? ORDER BY s.scanned_at DESC, s.seq DESC")) {
                ps.setLong(1, v.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        visits.add(Json.obj("venueName", rs.getString(1),
                                "scannedAt", Instant.ofEpochMilli(rs.getLong(2)).toString(),
                                "direction", rs.getInt(3) == 1 ? "out" : "in"));
                    }
                }
            }
            List<Map<String, Object>> accesses = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT a.at, a.case_ref FROM audit_access x JOIN audit_log a ON a.seq = x.audit_seq"
                            + " WHERE x.visitor = ? ORDER BY x.audit_seq DESC")) {
                ps.setBytes(1, v.publicId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        accesses.add(Json.obj("at", Instant.ofEpochMilli(rs.getLong(1)).toString(),
                                "caseRef", rs.getString(2)));
                    }
                }
            }
            return Json.obj("visits", visits, "accesses", accesses);
        });
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 200, body);
    }
}
