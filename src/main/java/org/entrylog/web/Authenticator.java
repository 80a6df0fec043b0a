package org.entrylog.web;

import io.javalin.http.Context;

/**
 * Establishes the caller of a request for one {@link WebServer.Role}, before the route's handler
 * runs: returns the {@link Principal}, or throws the refusal (401 {@code unauthorized}) so the
 * handler never runs for a caller its role does not admit. There is one per role, given to
 * {@link WebServer#create}, which refuses to start when a route's role has none.
 */
@FunctionalInterface
public interface Authenticator {
    /** The {@code ANYONE} role: everyone is admitted, as {@link Principal#ANONYMOUS}. */
    Authenticator ANYONE = (ctx, route) -> Principal.ANONYMOUS;

    /** The caller of this request to {@code route}, or an exception refusing it. */
    Principal authenticate(Context ctx, WebServer.Route route);
}
