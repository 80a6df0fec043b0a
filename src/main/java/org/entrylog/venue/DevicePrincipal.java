package org.entrylog.venue;

import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/** An enrolled scanning device, and through it the venue it scans for. */
public record DevicePrincipal(VenueService.Device device) implements Principal {

    /**
     * The {@code DEVICE} role: the bearer secret of an enrolled device that is not revoked, so scans
     * are taken only from a venue's own tablets and a lost one stops working once revoked
     * (docs/threat-model.md T9, T26).
     */
    public static Authenticator authenticator(VenueService venues) {
        return (ctx, route) -> new DevicePrincipal(venues.authenticate(Http.bearer(ctx)));
    }
}
