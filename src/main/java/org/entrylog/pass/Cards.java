package org.entrylog.pass;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.common.Ids;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;

/**
 * The owner of the {@code card} table: printed cards for visitors without a smartphone, issued,
 * revoked, and looked up at scan time (docs/conventions.md §11).
 *
 * <p>A card is valid until its holder revokes it; revoking is final (the trigger
 * {@code card_revoke_once}), and a card goes with its holder's identity when a retention purge
 * destroys it (the trigger {@code visitor_cards_go_with_it}).
 */
public final class Cards {
    /** A card as issued: what the holder prints. The number is shown once and never stored. */
    public record Issued(byte[] cardId, String token, String number) {}

    /** A card as stored; {@code revokedAt} is null while it is valid. */
    public record Card(long id, byte[] publicId, long visitorId, Long revokedAt) {
        public boolean revoked() {
            return revokedAt != null;
        }
    }

    private final Database db;
    private final WriteQueue writes;
    private final CardCodec codec;
    private final Clock clock;

    public Cards(Database db, WriteQueue writes, CardCodec codec, Clock clock) {
        this.db = db;
        this.writes = writes;
        this.codec = codec;
        this.clock = clock;
    }

    public CardCodec codec() {
        return codec;
    }

    /** A new card for the visitor (internal id {@code visitorId}, public id {@code visitorPublicId}). */
    public Issued issue(long visitorId, byte[] visitorPublicId) {
        Instant now = clock.instant();
        byte[] cardId = Ids.newId();
        String token = codec.issue(cardId, visitorPublicId, now);
        for (int attempt = 0; ; attempt++) {
            String number = CardCodec.newNumber();
            byte[] hash = codec.numberHash(number);
            try {
                writes.execute(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO card(public_id, visitor_id, number_hash, created_at) VALUES (?,?,?,?)")) {
                        ps.setBytes(1, cardId);
                        ps.setLong(2, visitorId);
                        ps.setBytes(3, hash);
                        ps.setLong(4, now.toEpochMilli());
                        return ps.executeUpdate();
                    }
                });
                return new Issued(cardId, token, number);
            } catch (RuntimeException e) {
                // two cards drew one number (about one in 10^11 per card held): draw again
                if (attempt >= 2 || db.read(c -> byNumberHash(c, hash)) == null) {
                    throw e;
                }
            }
        }
    }

    /**
     * Revokes the visitor's card; a card of someone else, an unknown one and one already revoked
     * are all 404, so a visitor learns nothing of cards that are not theirs.
     */
    public void revoke(long visitorId, byte[] cardId) {
        long now = clock.millis();
        int n = writes.execute(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE card SET revoked_at = ? WHERE public_id = ? AND visitor_id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, now);
                ps.setBytes(2, cardId);
                ps.setLong(3, visitorId);
                return ps.executeUpdate();
            }
        });
        if (n == 0) {
            throw ApiException.notFound();
        }
    }

    /** The card by its id, or null. */
    public static Card byPublicId(Connection c, byte[] publicId) throws SQLException {
        return one(c, "SELECT id, public_id, visitor_id, revoked_at FROM card WHERE public_id = ?", publicId);
    }

    /** The card whose number has this HMAC, or null. */
    public static Card byNumberHash(Connection c, byte[] numberHash) throws SQLException {
        return one(c, "SELECT id, public_id, visitor_id, revoked_at FROM card WHERE number_hash = ?", numberHash);
    }

    /** Whether the card is still valid (on the writer's connection, so a revocation just committed counts). */
    public static boolean valid(Connection c, long cardId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT revoked_at IS NULL FROM card WHERE id = ?")) {
            ps.setLong(1, cardId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1); // 1 on SQLite, true on PostgreSQL
            }
        }
    }

    /** Refusal of a revoked card: the code of a credential no longer valid (design.md, cards). */
    public static ApiException revokedError() {
        return new ApiException(ErrorCode.TOKEN_EXPIRED, "This card was revoked.");
    }

    private static Card one(Connection c, String sql, byte[] key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                long revoked = rs.getLong(4);
                Long revokedAt = rs.wasNull() ? null : revoked; // wasNull speaks of the last column read
                return new Card(rs.getLong(1), rs.getBytes(2), rs.getLong(3), revokedAt);
            }
        }
    }
}
