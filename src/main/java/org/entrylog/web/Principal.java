package org.entrylog.web;

import io.javalin.http.Context;

/**
 * Who is calling: established by the {@link Authenticator} of the route's role before its handler
 * runs, and read by the handler with {@link #of}. Handlers never look at credentials themselves, so
 * a route cannot be written that forgets to check them.
 */
public interface Principal {
    /** The caller of an {@code ANYONE} route: nobody in particular. */
    Principal ANONYMOUS = new Anonymous();

    /** See {@link #ANONYMOUS}. */
    record Anonymous() implements Principal {}

    /** The request attribute that holds the principal. */
    String ATTRIBUTE = "entrylog.principal";

    /**
     * The principal of this request, of the type its route's role gives. Asking for another type is
     * a wiring mistake (a handler put under the wrong role); it is refused with an error instead of
     * going on without the caller it assumed.
     */
    static <P extends Principal> P of(Context ctx, Class<P> type) {
        Object p = ctx.attribute(ATTRIBUTE);
        if (!type.isInstance(p)) {
            throw new IllegalStateException("the route " + ctx.attribute(Metrics.ROUTE) + " has no "
                    + type.getSimpleName() + " (its role gives " + (p == null ? "none" : p.getClass().getSimpleName())
                    + ")");
        }
        return type.cast(p);
    }
}
