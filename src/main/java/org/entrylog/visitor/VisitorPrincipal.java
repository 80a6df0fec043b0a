package org.entrylog.visitor;

import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/** A visitor acting on their own record: the one named by {@code {visitorId}} in the path. */
public record VisitorPrincipal(VisitorService.Visitor visitor) implements Principal {

    /**
     * The {@code VISITOR} role: the bearer secret must be that of the visitor named in the path, so
     * one visitor's secret opens no other visitor's passes or history. An unknown id and a wrong
     * secret get the same 401, so ids cannot be probed (docs/threat-model.md T29).
     */
    public static Authenticator authenticator(VisitorService visitors) {
        return (ctx, route) -> new VisitorPrincipal(
                visitors.authenticate(ctx.pathParam("visitorId"), Http.bearer(ctx)));
    }
}
