package org.entrylog.pass;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Json;
import org.entrylog.visitor.VisitorPrincipal;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.Http;
import org.entrylog.web.Limits;
import org.entrylog.web.Metrics;
import org.entrylog.web.Principal;

/** {@code POST /api/visitors/{visitorId}/passes} and {@code GET /api/keys}. */
public final class PassController {
    private final VisitorService visitors;
    private final PassCodec codec;
    private final QrRenderer qr;
    private final SigningKeys keys;
    private final Clock clock;
    private final Duration ttl;
    private final Limits limits;
    private final Metrics metrics;

    public PassController(VisitorService visitors, PassCodec codec, QrRenderer qr, SigningKeys keys, Clock clock,
                          Duration ttl, Limits limits, Metrics metrics) {
        this.visitors = visitors;
        this.codec = codec;
        this.qr = qr;
        this.keys = keys;
        this.clock = clock;
        this.ttl = ttl;
        this.limits = limits;
        this.metrics = metrics;
    }

    /**
     * The pass route's limit, per visitor id in the path. Its route runs it before authentication,
     * so a flood is refused before any secret is checked and guessing one visitor's secret is as
     * slow as asking for their passes (docs/threat-model.md T31).
     */
    public void throttle(Context ctx) {
        String id = ctx.pathParam("visitorId");
        limits.pass().acquire(id.length() > 32 ? id.substring(0, 32) : id);
    }

    public void issue(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        visitors.touch(v);
        Instant now = clock.instant();
        String token = codec.issue(v.publicId(), now, ttl.toSeconds());
        Instant expires = Instant.ofEpochSecond(now.getEpochSecond() + ttl.toSeconds());
        metrics.passIssued();
        ctx.header("Cache-Control", "no-store");
        Map<String, Object> body = Json.obj("token", token, "expiresAt", expires.toString());
        // ?qrPng=false: for clients that draw the code themselves; the PNG is most of a pass's CPU, and our
        // own pass page keeps it (faster on a mid-range phone: BENCHMARKS.md, "The pass page's QR code")
        if (!"false".equals(ctx.queryParam("qrPng"))) {
            body.put("qrPng", qr.dataUrl(token));
        }
        Http.json(ctx, 201, body);
    }

    public void keys(Context ctx) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SigningKeys.Key k : keys.all()) {
            Map<String, Object> m = Json.obj("kid", k.kid(), "alg", "Ed25519", "publicKey", k.publicKeyText(),
                    "status", k.active() ? "active" : "retired", "createdAt", k.createdAt().toString());
            if (k.retiredAt() != null) {
                m.put("retiredAt", k.retiredAt().toString());
            }
            out.add(m);
        }
        Http.json(ctx, 200, Map.of("keys", out));
    }
}
