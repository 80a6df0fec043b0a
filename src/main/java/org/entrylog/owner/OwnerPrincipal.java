package org.entrylog.owner;

import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Sessions;
import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/** A signed-in venue owner, by the live session their bearer token opened. */
public record OwnerPrincipal(Sessions.Session session) implements Principal {

    /**
     * The {@code VENUE_OWNER} role: a live session of a venue owner's account that is not disabled,
     * else 401. An official's session is refused here, as an owner's is by the OFFICIAL role.
     */
    public static Authenticator authenticator(Sessions sessions) {
        return (ctx, route) -> new OwnerPrincipal(sessions.authenticate(Http.bearer(ctx),
                OfficialAccounts.Kind.VENUE_OWNER));
    }
}
