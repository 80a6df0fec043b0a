package org.entrylog.pass;

import io.javalin.http.Context;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.visitor.VisitorPrincipal;
import org.entrylog.visitor.VisitorService;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;
import org.entrylog.web.RateLimiter;

/** {@code POST /api/visitors/{visitorId}/cards} and {@code DELETE /api/visitors/{visitorId}/cards/{cardId}}. */
public final class CardController {
    /** The answer of a new card; {@code number} is what staff type when the camera fails. */
    public record NewCard(String cardId, String token, String number, String qrPng) {}

    private final VisitorService visitors;
    private final Cards cards;
    private final QrRenderer qr;
    private final RateLimiter limit;

    public CardController(VisitorService visitors, Cards cards, QrRenderer qr, RateLimiter limit) {
        this.visitors = visitors;
        this.cards = cards;
        this.qr = qr;
        this.limit = limit;
    }

    /**
     * Cards are made at the pass route's rate ({@code ENTRYLOG_RATE_LIMIT_PASS}, a bucket of their
     * own), per visitor id in the path, before authentication: a flood is refused before any secret
     * is checked (docs/threat-model.md T31), and a stolen secret cannot print cards by the thousand.
     */
    public void throttle(Context ctx) {
        String id = ctx.pathParam("visitorId");
        limit.acquire(id.length() > 32 ? id.substring(0, 32) : id);
    }

    public void issue(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        visitors.touch(v);
        Cards.Issued card = cards.issue(v.id(), v.publicId());
        // the number is shown once, on this answer, and stored only as an HMAC
        ctx.header("Cache-Control", "no-store");
        Http.json(ctx, 201, new NewCard(Ids.encode(card.cardId()), card.token(), CardCodec.grouped(card.number()),
                qr.dataUrl(card.token())));
    }

    public void revoke(Context ctx) {
        VisitorService.Visitor v = Principal.of(ctx, VisitorPrincipal.class).visitor();
        byte[] cardId = Ids.decode(ctx.pathParam("cardId"), 16);
        if (cardId == null) {
            throw ApiException.notFound();
        }
        cards.revoke(v.id(), cardId);
        ctx.status(204);
    }
}
