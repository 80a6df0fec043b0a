package org.entrylog.scan;

import java.sql.Connection;
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
 * however many tablets race with it (docs/threat-model.md T6–T8), and the answer comes only after the commit.
 */
public final class ScanService {
    public static final int MAX_BATCH = 500;

    /** One item of a batch as read: a scan to try, or one refused before it could be read. */
    public sealed interface Item permits Request, Unreadable {}

    /**
     * One scan as posted. {@code scannedAt} is null when the tablet gave none; {@code companions}
     * (0–9) are people let in with it.
     */
    public record Request(String token, Instant scannedAt, Direction direction, int companions) implements Item {}

    /** A batch item refused as it was read (not an object, a missing token …). */
    public record Unreadable(ApiException error) implements Item {}

    /** The outcome of one scan of a batch: accepted (or a duplicate), or refused. */
    public sealed interface Outcome permits Result, Refused {}

    /** The outcome of one scan, as the API reports it. */
    public record Result(int status, String scanId, String venueId, Instant scannedAt, boolean duplicate)
            implements Outcome {}

    /** A scan of a batch that was refused; the others are unaffected. */
    public record Refused(RuntimeException error) implements Outcome {}

    private final WriteQueue writes;
    private final PassCodec passes;
    private final VisitorService visitors;
    private final Clock clock;
    private final Duration offlineWindow;
    private final CardScans cards; // printed cards (issue 13)

    public ScanService(WriteQueue writes, PassCodec passes, VisitorService visitors, Clock clock,
                       Duration offlineWindow, CardScans cards) {
        this.writes = writes;
        this.passes = passes;
        this.visitors = visitors;
        this.clock = clock;
        this.offlineWindow = offlineWindow;
        this.cards = cards;
    }

    /** One scan; refusals are thrown as {@link ApiException}. */
    public Result scan(Device device, Request req) {
        return submit(device, req).await();
    }

    /** Many scans, answered one by one and in order; a refused item does not affect the others. */
    public List<Outcome> batch(Device device, List<Item> items) {
        List<WriteQueue.Pending<Result>> pending = new ArrayList<>(items.size());
        for (Item item : items) {
            pending.add(item instanceof Request r ? submitQuietly(device, r)
                    : WriteQueue.Pending.failed(((Unreadable) item).error()));
        }
        List<Outcome> out = new ArrayList<>(items.size());
        for (WriteQueue.Pending<Result> p : pending) {
            try {
                out.add(p.await());
            } catch (ApiException | StoreUnavailable e) { // a full disk is answered item by item too
                out.add(new Refused(e));
            }
        }
        return out;
    }

    /**
     * A manual entry for a visitor without a phone, with {@code companions} (0–9) let in with them:
     * the identity is sealed like a registration.
     */
    public Result manual(Device device, VisitorService.CheckedIdentity identity, Instant scannedAt, int companions) {
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ScanTime t = ScanTime.decide(received, scannedAt, offlineWindow, null, null);
        byte[] sealed = visitors.seal(identity);
        byte[] scanId = Ids.newId();
        byte[] visitorPublicId = Ids.newId();
        return writes.execute(c -> {
            long visitorId = VisitorService.insert(c, visitorPublicId, sealed, identity.phoneHash(), null,
                    received.toEpochMilli());
            ScanStore.append(c, new ScanStore.Entry(scanId, device.venueId(), device.id(), visitorId,
                    t.scannedAt().toEpochMilli(), received.toEpochMilli(), t.deviceTime(), Direction.IN, Source.MANUAL,
                    companions, null, device.area()));
            return new Result(201, Ids.encode(scanId), device.venueIdText(), t.scannedAt(), false);
        });
    }

    private WriteQueue.Pending<Result> submitQuietly(Device device, Request req) {
        try {
            return submit(device, req);
        } catch (ApiException e) {
            return WriteQueue.Pending.failed(e);
        }
    }

    private WriteQueue.Pending<Result> submit(Device device, Request req) {
        // ---- printed cards (issue 13): a card's token or typed number follows the card rule ----
        if (CardScans.recognizes(req.token())) {
            return cards.submit(device, req);
        }
        // ---- end printed cards ----
        PassToken pass = passes.verify(req.token());
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ScanTime t = ScanTime.decide(received, req.scannedAt(), offlineWindow, pass.notBefore(), pass.expiresAt());
        byte[] scanId = Ids.newId();
        return writes.submit(c -> {
            // looked up on the writer, in the scan's transaction: one read fewer per scan (issue 18), and a
            // retention purge cannot destroy the identity between the lookup and the append (no orphan row)
            long visitorId = VisitorService.internalId(c, pass.visitorId());
            if (visitorId < 0) {
                throw ApiException.forbidden("This pass belongs to a registration that no longer exists.");
            }
            Result earlier = earlierUse(c, pass.tokenId(), device);
            if (earlier != null) {
                return earlier;
            }
            long seq = ScanStore.append(c, new ScanStore.Entry(scanId, device.venueId(), device.id(), visitorId,
                    t.scannedAt().toEpochMilli(), received.toEpochMilli(), t.deviceTime(), req.direction(),
                    Source.PASS, req.companions(), null, device.area()));
            ScanStore.recordTokenUse(c, pass.tokenId(), device.venueId(), seq, pass.expiresAt().toEpochMilli());
            return new Result(201, Ids.encode(scanId), device.venueIdText(), t.scannedAt(), false);
        });
    }

    /** The answer for a token already used: a duplicate here, or refused when used elsewhere. */
    private static Result earlierUse(Connection c, byte[] tokenId, Device device) throws SQLException {
        ScanStore.TokenUse use = ScanStore.tokenUse(c, tokenId);
        if (use == null) {
            return null;
        }
        if (use.venueId() != device.venueId()) {
            throw new ApiException(ErrorCode.TOKEN_USED_ELSEWHERE, "This pass was already used at another venue.");
        }
        return new Result(200, use.scanId() == null ? null : Ids.encode(use.scanId()), device.venueIdText(),
                Instant.ofEpochMilli(use.scannedAt()), true);
    }
}
