package org.entrylog.scan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.store.StoreUnavailable;
import org.entrylog.venue.DevicePrincipal;
import org.entrylog.venue.VenueService;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.ErrorMapper;
import org.entrylog.web.Http;
import org.entrylog.common.Json;
import org.entrylog.web.Limits;
import org.entrylog.web.Metrics;
import org.entrylog.web.Principal;

/** {@code POST /api/scans}, {@code /api/scans/batch} and {@code /api/manual-entries}, for enrolled devices. */
public final class ScanController {
    private static final Set<String> SCAN_FIELDS = Set.of("token", "scannedAt", "direction", "companions");
    private static final Set<String> BATCH_FIELDS = Set.of("scans");
    private static final Set<String> MANUAL_FIELDS = Set.of("name", "phone", "scannedAt", "companions");
    /** People let in with one entry at most (children, a person in care). */
    public static final int MAX_COMPANIONS = 9;
    /** Enough for 500 scans of ~250 bytes each. */
    public static final int MAX_BATCH_BODY = 256 * 1024;

    private final ScanService scans;
    private final VisitorService visitors;
    private final int maxBody;
    private final Limits limits;
    private final Metrics metrics;

    public ScanController(ScanService scans, VisitorService visitors, int maxBody,
                          Limits limits, Metrics metrics) {
        this.scans = scans;
        this.visitors = visitors;
        this.maxBody = maxBody;
        this.limits = limits;
        this.metrics = metrics;
    }

    public void scan(Context ctx) {
        VenueService.Device device = Principal.of(ctx, DevicePrincipal.class).device();
        limits.scan().acquire(device.deviceId());
        ObjectNode body = Json.object(Http.body(ctx, maxBody), SCAN_FIELDS);
        ScanService.Result r;
        try {
            r = scans.scan(device, request(body));
        } catch (ApiException | StoreUnavailable e) {
            metrics.scan("refused", ErrorMapper.of(e).code());
            throw e;
        }
        count(r);
        Http.json(ctx, r.status(), ScanAnswer.of(r));
    }

    public void batch(Context ctx) {
        VenueService.Device device = Principal.of(ctx, DevicePrincipal.class).device();
        ObjectNode body = Json.object(Http.body(ctx, MAX_BATCH_BODY), BATCH_FIELDS);
        JsonNode arr = body.get("scans");
        if (arr == null || !arr.isArray()) {
            throw ApiException.badRequest("'scans' must be an array.");
        }
        if (arr.size() > ScanService.MAX_BATCH) {
            throw ApiException.badRequest("At most " + ScanService.MAX_BATCH + " scans per batch.");
        }
        limits.scan().acquire(device.deviceId(), 1 + arr.size() / 50);
        List<ScanService.Item> items = new ArrayList<>(arr.size());
        for (JsonNode n : arr) {
            try {
                items.add(request(Json.requireObject(n, SCAN_FIELDS, "Each scan")));
            } catch (ApiException e) {
                items.add(new ScanService.Unreadable(e));
            }
        }
        List<ScanAnswer.BatchItem> results = new ArrayList<>(items.size());
        for (ScanService.Outcome o : scans.batch(device, items)) {
            if (o instanceof ScanService.Result r) {
                count(r);
                results.add(ScanAnswer.Scanned.of(r));
            } else {
                ErrorMapper.Answer refusal = ErrorMapper.of(((ScanService.Refused) o).error());
                metrics.scan("refused", refusal.code());
                results.add(new ScanAnswer.Refused(refusal.status(), refusal.code(), refusal.message()));
            }
        }
        Http.json(ctx, 200, new ScanAnswer.Batch(results));
    }

    public void manual(Context ctx) {
        VenueService.Device device = Principal.of(ctx, DevicePrincipal.class).device();
        limits.scan().acquire(device.deviceId());
        ObjectNode body = Json.object(Http.body(ctx, maxBody), MANUAL_FIELDS);
        var identity = visitors.check(Json.string(body, "name", true), Json.string(body, "phone", true));
        ScanService.Result r = scans.manual(device, identity, Json.instant(body, "scannedAt", false),
                companions(body));
        metrics.scan("manual", "");
        Http.json(ctx, r.status(), ScanAnswer.of(r));
    }

    private void count(ScanService.Result r) {
        metrics.scan(r.duplicate() ? "duplicate" : "accepted", "");
    }

    private static ScanService.Request request(ObjectNode o) {
        String token = Json.string(o, "token", true);
        if (token.length() > 1024) {
            throw new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The scanned code is far too long to be a pass.");
        }
        return new ScanService.Request(token, Json.instant(o, "scannedAt", false), Direction.parse(o),
                companions(o));
    }

    /** {@code companions}: absent is 0; anything but a whole number 0–9 is refused before anything is written. */
    static int companions(ObjectNode o) {
        JsonNode n = o.get("companions");
        if (n == null) {
            return 0;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0 || n.intValue() > MAX_COMPANIONS) {
            throw ApiException.badRequest("'companions' must be a whole number from 0 to " + MAX_COMPANIONS + ".");
        }
        return n.intValue();
    }
}
