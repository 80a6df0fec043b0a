package org.entrylog.venue;

import org.entrylog.web.Authenticator;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/** An enrolled scanning device, and through it the venue it scans for. */
public record DevicePrincipal(VenueService.Device device) implements Principal {

    /**
     * The {@code DEVICE} role: the bearer secret of an enrolled device that is not revoked, so scans
     * are taken only from a venue's own tablets and a lost one stops working once revoked
     * (docs/threat-model.md T9, T26). Each one also notes when the device was last seen, and the
     * offline queue it reports in its headers, and whether it sent scans (DeviceSightings).
     */
    public static Authenticator authenticator(VenueService venues, DeviceSightings sightings) {
        return (ctx, route) -> {
            VenueService.Device d = venues.authenticate(Http.bearer(ctx));
            sightings.seen(d, ctx.header(DeviceSightings.QUEUED_HEADER), ctx.header(DeviceSightings.OLDEST_HEADER),
                    route.path().startsWith("/api/scans"));
            return new DevicePrincipal(d);
        };
    }
}
