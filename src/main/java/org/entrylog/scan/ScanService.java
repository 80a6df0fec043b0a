package org.entrylog.scan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;
import org.entrylog.log.ScanLog;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.PassToken;
import org.entrylog.store.StoreUnavailable;
import org.entrylog.store.WriteQueue;
import org.entrylog.venue.VenueService.Device;
import org.entrylog.visitor.VisitorService;

/**
 * Accepts scans from enrolled tablets into the scan log.
 *
 * <p>All checks that need no database (signature, times) run on the request thread; the
 * once-only rule and the append run as one task on the single writer, so a token is used once
 * however many tablets race with it (THREATS #6–8), and the answer comes only after the commit.
 */
public final class ScanService {
    /** Tablet clocks drift: a pass counts from two minutes before it was issued. */
    public static final Duration CLOCK_GRACE = Duration.ofMinutes(2);
    public static final int MAX_BATCH = 500;

    /** One scan as posted. {@code scannedAt} is null when the tablet gave none. */
    public record Request(String token, Instant scannedAt, int direction) {}

    /** The outcome of one scan, as the API reports it. */
    public record Result(int status, String scanId, String venueId, Instant scannedAt, boolean duplicate) {}

    private final WriteQueue writes;
    private final PassCodec passes;
    private final VisitorService visitors;
    private final Clock clock;
    private final Duration offlineWindow;

    public ScanService(WriteQueue writes, PassCodec passes, VisitorService visitors, Clock clock,
                       Duration offlineWindow) {
        this.writes = writes;
        this.passes = passes;
        this.visitors = visitors;
        this.clock = clock;
        this.offlineWindow = offlineWindow;
    }

    /** One scan; refusals are thrown as {@link ApiException}. */
    public Result scan(Device device, Request req) {
        return submit(device, req).await();
    }

    /** Many scans, answered one by one and in order; a refused item does not affect the others. */
    public List<Object> batch(Device device, List<Object> items) {
        List<WriteQueue.Pending<Result>> pending = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof Request r) {
                pending.add(submitQuietly(device, r));
            } else {
                pending.add(WriteQueue.Pending.failed((ApiException) item));
            }
        }
        List<Object> out = new ArrayList<>(items.size());
        for (WriteQueue.Pending<Result> p : pending) {
            try {
                out.add(p.await());
            } catch (ApiException | StoreUnavailable e) { // a full disk is answered item by item too
                out.add(e);
            }
        }
        return out;
    }

    /** A manual entry for a visitor without a phone: the identity is sealed like a registration. */
    public Result manual(Device device, VisitorService.CheckedIdentity identity, Instant scannedAt) {
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Times t = times(received, scannedAt, null);
        byte[] sealed = visitors.seal(identity);
        byte[] scanId = Ids.newId();
        byte[] visitorPublicId = Ids.newId();
        return writes.execute(c -> {
            long visitorId = VisitorService.insert(c, visitorPublicId, sealed, identity.phoneHash(), null,
                    received.toEpochMilli());
            ScanLog.append(c, new ScanLog.Entry(scanId, device.venueId(), device.id(), visitorId,
                    t.scannedAt.toEpochMilli(), received.toEpochMilli(), t.deviceTime, 0, 1));
            return new Result(201, Ids.encode(scanId), device.venueIdText(), t.scannedAt, false);
        });
    }

    private WriteQueue.Pending<Result> submitQuietly(Device device, Request req) {
        try {
            return submit(device, req);
        } catch (ApiException | StoreUnavailable e) {
            return WriteQueue.Pending.failed(e);
        }
    }

    private WriteQueue.Pending<Result> submit(Device device, Request req) {
        PassToken pass = passes.verify(req.token());
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Times t = times(received, req.scannedAt(), pass);
        long visitorId = visitors.internalId(pass.visitorId());
        if (visitorId < 0) {
            throw ApiException.forbidden("This pass belongs to a registration that no longer exists.");
        }
        byte[] scanId = Ids.newId();
        return writes.submit(c -> {
            Result earlier = earlierUse(c, pass.tokenId(), device);
            if (earlier != null) {
                return earlier;
            }
            if (!VisitorService.exists(c, visitorId)) {
                // a retention purge destroyed the identity since it was looked up: no orphan row
                throw ApiException.forbidden("This pass belongs to a registration that no longer exists.");
            }
            long seq = ScanLog.append(c, new ScanLog.Entry(scanId, device.venueId(), device.id(), visitorId,
                    t.scannedAt.toEpochMilli(), received.toEpochMilli(), t.deviceTime, req.direction(), 0));
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO token_use(token_id, venue_id, scan_seq, expires_at) VALUES (?,?,?,?)")) {
                ps.setBytes(1, pass.tokenId());
                ps.setLong(2, device.venueId());
                ps.setLong(3, seq);
                ps.setLong(4, pass.expiresAt().toEpochMilli());
                ps.executeUpdate();
            }
            return new Result(201, Ids.encode(scanId), device.venueIdText(), t.scannedAt, false);
        });
    }

    /** The answer for a token already used: a duplicate here, or refused when used elsewhere. */
    private static Result earlierUse(Connection c, byte[] tokenId, Device device) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT u.venue_id, s.scan_id, s.scanned_at FROM token_use u LEFT JOIN scan_log s ON s.seq = u.scan_seq"
                        + " WHERE u.token_id = ?")) {
            ps.setBytes(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                if (rs.getLong(1) != device.venueId()) {
                    throw new ApiException(ErrorCode.TOKEN_USED_ELSEWHERE,
                            "This pass was already used at another venue.");
                }
                byte[] scanId = rs.getBytes(2);
                return new Result(200, scanId == null ? null : Ids.encode(scanId), device.venueIdText(),
                        Instant.ofEpochMilli(rs.getLong(3)), true);
            }
        }
    }

    private record Times(Instant scannedAt, Long deviceTime) {}

    /**
     * Decides when a scan happened. The tablet's time is used when it is plausible: not older than
     * the offline window, not more than two minutes ahead of the server, not before the pass was
     * issued. When the tablet's clock is visibly wrong the server's time decides, and the tablet's
     * claim is kept in {@code device_time} as a flag (THREATS #17). Then the pass must be valid at
     * that moment: {@code issuedAt − 2 min ≤ scannedAt ≤ expiresAt}.
     */
    private Times times(Instant received, Instant claimed, PassToken pass) {
        if (claimed == null) {
            claimed = received;
        }
        claimed = claimed.truncatedTo(ChronoUnit.MILLIS);
        if (claimed.isBefore(received.minus(offlineWindow))) {
            throw ApiException.badRequest("scannedAt is more than " + offlineWindow.toHours()
                    + " hours in the past, beyond the offline window; this scan cannot be accepted.");
        }
        Instant at = claimed;
        Long deviceTime = null;
        boolean ahead = claimed.isAfter(received.plus(CLOCK_GRACE));
        boolean beforePass = pass != null && claimed.isBefore(pass.issuedAt().minus(CLOCK_GRACE));
        if (ahead || beforePass) {
            at = received;
            deviceTime = claimed.toEpochMilli();
        }
        if (pass != null) {
            if (at.isBefore(pass.issuedAt().minus(CLOCK_GRACE))) {
                throw new ApiException(ErrorCode.TOKEN_EXPIRED, "This pass is not valid yet.");
            }
            if (at.isAfter(pass.expiresAt())) {
                throw new ApiException(ErrorCode.TOKEN_EXPIRED, "This pass has expired; ask for a fresh one.");
            }
        }
        return new Times(at, deviceTime);
    }
}
