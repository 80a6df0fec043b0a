package org.entrylog.official;

import org.entrylog.web.Authenticator;
import org.entrylog.web.ClientAddress;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;
import org.entrylog.web.RateLimiter;

/** A signed-in official, by the live session their bearer token opened. */
public record OfficialPrincipal(Sessions.Session session) implements Principal {

    /**
     * The {@code OFFICIAL} role: a live session of an official who is not disabled, else 401. A
     * refused request is audited like an allowed one (its method and route, no parameters, since an
     * anonymous caller must not fill the audit log with text of its choosing), so probing the
     * official API leaves a trace; if that entry cannot be written the answer is 503.
     *
     * <p>Refusals are counted per client address by {@code anonymousLimit}: past it they are 429
     * {@code rate_limited} with {@code Retry-After} instead of 401, and {@link AnonymousRefusals}
     * writes the first refusal of an address at once and the rest of its burst as one counted entry
     * (docs/threat-model.md T42). A signed-in official is never held back by it.
     */
    public static Authenticator authenticator(Sessions sessions, AnonymousRefusals refusals, RateLimiter anonymousLimit,
                                              ClientAddress address) {
        return (ctx, route) -> {
            Audit a = new Audit(ctx, route.method() + " " + route.path());
            try {
                return new OfficialPrincipal(sessions.authenticate(Http.bearer(ctx)));
            } catch (RuntimeException e) {
                String client = address.of(ctx);
                RuntimeException refusal = e;
                try {
                    anonymousLimit.acquire(client);
                } catch (RuntimeException limited) {
                    refusal = limited;
                }
                refusals.refused(a, refusal, client);
                throw refusal;
            }
        };
    }
}
