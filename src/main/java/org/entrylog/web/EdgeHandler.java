package org.entrylog.web;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first handler a request meets, in front of Javalin: what must hold before any route runs.
 *
 * <p>{@code X-HTTP-Method-Override} is removed. Javalin's {@code Context.method()} believes it, so
 * a plain POST carrying {@code X-HTTP-Method-Override: DELETE} reached {@code DELETE} routes (a
 * cross-site form could sign an official out); the method is the request line's, nothing else
 * (docs/threat-model.md T13).
 */
final class EdgeHandler extends Handler.Wrapper {
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().contains(METHOD_OVERRIDE)) {
            request = withoutHeader(request, METHOD_OVERRIDE);
        }
        return super.handle(request, response, callback);
    }

    private static Request withoutHeader(Request request, String name) {
        HttpFields headers = HttpFields.build(request.getHeaders()).remove(name).asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        };
    }
}
