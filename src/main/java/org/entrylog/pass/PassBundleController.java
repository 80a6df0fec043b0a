package org.entrylog.pass;

import io.javalin.http.Context;
import org.entrylog.visitor.VisitorPrincipal;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;
import org.entrylog.web.RateLimiter;

/** {@code POST /api/visitors/{visitorId}/pass-bundle}: the offline passes of a visitor's phone. */
public final class PassBundleController {
    private final VisitorService visitors;
    private final PassBundles bundles;
    private final RateLimiter limit;

    public PassBundleController(VisitorService visitors, PassBundles bundles, RateLimiter limit) {
        this.visitors = visitors;
        this.bundles = bundles;
        this.limit = limit;
    }

    /**
     * The bundle limit, per visitor id in the path, run before authentication like the pass limit:
     * a bundle costs one signature and one QR image per slot (144 by default), so a flood of bundle
     * requests is refused before it costs any of them, and before any secret is checked
     * (docs/threat-model.md T31).
     */
    public void throttle(Context ctx) {
        String id = ctx.pathParam("visitorId");
        limit.acquire(id.length() > 32 ? id.substring(0, 32) : id);
    }

    public void issue(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        visitors.touch(v);
        PassBundles.Bundle bundle = bundles.issue(v.publicId());
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 201, bundle);
    }
}
