package org.entrylog.scan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;
import org.entrylog.pass.CardCodec;
import org.entrylog.pass.Cards;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.entrylog.venue.VenueService.Device;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.RateLimiter;

/**
 * Scans of printed cards, by their QR or their typed number.
 *
 * <p>A card is used many times, unlike a pass: the one-token-one-row rule does not apply. A card
 * scanned at a venue within {@code ENTRYLOG_CARD_REPEAT_MINUTES} (inclusive) of an earlier scan of
 * it there in the same direction is a duplicate (200, no new row, the earlier scan's answer);
 * later, or at another venue, it is a new visit. A revoked card is refused with
 * {@code token_expired}, checked on the writer inside the task that appends, so a scan racing a
 * revocation cannot slip in after it.
 *
 * <p>Typed numbers are taken from a per-device limit of their own
 * ({@code ENTRYLOG_RATE_LIMIT_CARD}), so an enrolled tablet cannot walk the number space (10^11)
 * at the speed of the scan limit (docs/threat-model.md T29); a card's QR token is signed and
 * needs no such limit.
 */
public final class CardScans {
    private final Database db;
    private final WriteQueue writes;
    private final Cards cards;
    private final VisitorService visitors;
    private final Clock clock;
    private final Duration offlineWindow;
    private final Duration repeatWindow;
    private final RateLimiter numberLimit;

    public CardScans(Database db, WriteQueue writes, Cards cards, VisitorService visitors, Clock clock,
                     Duration offlineWindow, Duration repeatWindow, RateLimiter numberLimit) {
        this.db = db;
        this.writes = writes;
        this.cards = cards;
        this.visitors = visitors;
        this.clock = clock;
        this.offlineWindow = offlineWindow;
        this.repeatWindow = repeatWindow;
        this.numberLimit = numberLimit;
    }

    /** Whether the scanned text is a card (its token or its number) rather than a pass. */
    public static boolean recognizes(String text) {
        return CardCodec.isToken(text) || CardCodec.isNumber(text);
    }

    WriteQueue.Pending<ScanService.Result> submit(Device device, ScanService.Request req) {
        Cards.Card card = find(device, req.token());
        if (card.revoked()) {
            throw Cards.revokedError();
        }
        Instant received = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        ScanTime t = ScanTime.decide(received, req.scannedAt(), offlineWindow, null, null);
        long at = t.scannedAt().toEpochMilli();
        long window = repeatWindow.toMillis();
        byte[] scanId = Ids.newId();
        return writes.submit(c -> {
            if (!Cards.valid(c, card.id())) {
                throw Cards.revokedError();
            }
            ScanStore.CardScan earlier = ScanStore.cardScanNear(c, card.id(), device.venueId(), req.direction(), at,
                    at - window, at + window);
            if (earlier != null) {
                return new ScanService.Result(200, Ids.encode(earlier.scanId()), device.venueIdText(),
                        Instant.ofEpochMilli(earlier.scannedAt()), true);
            }
            if (!VisitorService.exists(c, card.visitorId())) {
                throw ApiException.forbidden("This card belongs to a registration that no longer exists.");
            }
            ScanStore.append(c, new ScanStore.Entry(scanId, device.venueId(), device.id(), card.visitorId(), at,
                    received.toEpochMilli(), t.deviceTime(), req.direction(), Source.CARD, req.companions(),
                    card.id(), device.area()));
            return new ScanService.Result(201, Ids.encode(scanId), device.venueIdText(), t.scannedAt(), false);
        });
    }

    private Cards.Card find(Device device, String text) {
        CardCodec codec = cards.codec();
        Cards.Card card;
        if (CardCodec.isNumber(text)) {
            numberLimit.acquire(device.deviceId());
            byte[] hash = codec.numberHash(text);
            card = db.read(c -> Cards.byNumberHash(c, hash));
            if (card == null) {
                throw new ApiException(ErrorCode.TOKEN_BAD_SIGNATURE, "No card has this number.");
            }
            return card;
        }
        CardCodec.CardToken token = codec.verify(text);
        card = db.read(c -> Cards.byPublicId(c, token.cardId()));
        // the pseudonym must name the card's holder: a signed token and its row belong together
        if (card == null || visitors.internalId(token.visitorId()) != card.visitorId()) {
            // a card whose holder's identity a retention purge destroyed went with it
            throw new ApiException(ErrorCode.TOKEN_BAD_SIGNATURE, "This card is not held by this server.");
        }
        return card;
    }
}
