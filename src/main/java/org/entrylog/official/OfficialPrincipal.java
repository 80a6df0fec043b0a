package org.entrylog.official;

import java.time.Clock;
import org.entrylog.store.WriteQueue;
import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/** A signed-in official, by the live session their bearer token opened. */
public record OfficialPrincipal(Sessions.Session session) implements Principal {

    /**
     * The {@code OFFICIAL} role: a live session of an official who is not disabled, else 401. A
     * refused request is audited like an allowed one (its method and route, no parameters, since an
     * anonymous caller must not fill the audit log with text of its choosing), so probing the
     * official API leaves a trace; if that entry cannot be written the answer is 503.
     */
    public static Authenticator authenticator(Sessions sessions, WriteQueue writes, Clock clock) {
        AuditRecorder audit = new AuditRecorder(writes, sessions, clock);
        return (ctx, route) -> {
            Audit a = new Audit(ctx, route.method() + " " + route.path());
            try {
                return new OfficialPrincipal(sessions.authenticate(Http.bearer(ctx)));
            } catch (RuntimeException e) {
                audit.refused(a, e);
                throw e;
            }
        };
    }
}
