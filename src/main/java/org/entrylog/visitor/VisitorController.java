package org.entrylog.visitor;

import io.javalin.http.Context;
import java.util.Set;
import org.entrylog.web.Http;
import org.entrylog.common.Json;
import org.entrylog.web.Limits;

/** {@code POST /api/visitors}. */
public final class VisitorController {
    private static final Set<String> FIELDS = Set.of("name", "phone");
    private final VisitorService visitors;
    private final int maxBody;
    private final Limits limits;

    public VisitorController(VisitorService visitors, int maxBody, Limits limits) {
        this.visitors = visitors;
        this.maxBody = maxBody;
        this.limits = limits;
    }

    public void register(Context ctx) {
        limits.registration().acquire(limits.address().of(ctx));
        var body = Json.object(Http.body(ctx, maxBody), FIELDS);
        var reg = visitors.register(Json.string(body, "name", true), Json.string(body, "phone", true));
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 201, Json.obj("visitorId", reg.visitorId(), "secret", reg.secret()));
    }
}
