package org.entrylog.venue;

import io.javalin.http.Context;
import java.util.Set;
import org.entrylog.common.ApiException;
import org.entrylog.store.WriteQueue;
import org.entrylog.web.Http;
import org.entrylog.common.Json;
import org.entrylog.common.Text;
import org.entrylog.web.Limits;

/**
 * {@code POST /api/devices}: a tablet trades its venue's enrollment code for a device secret, and
 * may name itself ({@code label}, else "Tablet N").
 */
public final class DeviceController {
    private static final Set<String> FIELDS = Set.of("enrollmentCode", "label");
    private final VenueService venues;
    private final WriteQueue writes;
    private final int maxBody;
    private final Limits limits;

    public DeviceController(VenueService venues, WriteQueue writes, int maxBody, Limits limits) {
        this.venues = venues;
        this.writes = writes;
        this.maxBody = maxBody;
        this.limits = limits;
    }

    public void enroll(Context ctx) {
        limits.enrollment().acquire(limits.address().of(ctx));
        var body = Json.object(Http.body(ctx, maxBody), FIELDS);
        String code = Json.string(body, "enrollmentCode", true);
        if (code.length() > 100) {
            throw ApiException.unauthorized();
        }
        String given = Json.string(body, "label", false);
        String label = given == null || given.isBlank() ? null
                : Text.require("label", given.trim(), VenueService.MAX_LABEL);
        var e = writes.execute(c -> venues.enroll(code.trim(), label, c));
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 201, Json.obj("deviceId", e.deviceId(), "secret", e.secret(), "venueId", e.venueId(),
                "venueName", e.venueName(), "label", e.label()));
    }
}
