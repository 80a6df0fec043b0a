package org.entrylog.owner;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.common.Ids;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;

/**
 * Venue owners' accounts: the owner of {@code venue_owner} (which venues an owner sees). The
 * account itself is an {@code official} row of kind {@code venue_owner}, written by
 * {@link OfficialAccounts}, so owners sign in with the same Argon2id password, TOTP second factor
 * and sessions as officials (official/Sessions), and the VENUE_OWNER role admits only their sessions.
 */
public final class OwnerAccounts {
    private final Database db;
    private final OfficialAccounts accounts;

    public OwnerAccounts(Database db, OfficialAccounts accounts) {
        this.db = db;
        this.accounts = accounts;
    }

    /**
     * Adds a venue owner who sees these venues (by venueId), in one transaction; refuses a taken
     * username, an unknown venue, or none. Answers the canonical username.
     */
    public String add(String username, String password, List<String> venueIds) {
        String u = OfficialAccounts.requireUsername(username);
        if (venueIds == null || venueIds.isEmpty()) {
            throw new IllegalArgumentException("Give at least one --venue.");
        }
        String hash = accounts.hash(password);
        db.transaction(c -> {
            List<Long> venues = new ArrayList<>();
            for (String venueId : venueIds) {
                byte[] publicId = Ids.decode(venueId, 16);
                VenueService.Venue v = publicId == null ? null : VenueService.byPublicId(c, publicId);
                if (v == null) {
                    throw new IllegalArgumentException("No venue has the id '" + venueId + "'.");
                }
                venues.add(v.id());
            }
            long id = accounts.insert(c, u, hash, OfficialAccounts.Kind.VENUE_OWNER);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO venue_owner(official_id, venue_id) VALUES (?,?) ON CONFLICT DO NOTHING")) {
                for (long venue : venues) {
                    ps.setLong(1, id);
                    ps.setLong(2, venue);
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return u;
    }

    /** The internal ids of the venues this account sees, oldest first. */
    public static List<Long> venuesOf(Connection c, long accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT venue_id FROM venue_owner WHERE official_id = ? ORDER BY venue_id")) {
            ps.setLong(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                List<Long> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
                return out;
            }
        }
    }

    /** Whether this account sees this venue. */
    public static boolean sees(Connection c, long accountId, long venueId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM venue_owner WHERE official_id = ? AND venue_id = ?")) {
            ps.setLong(1, accountId);
            ps.setLong(2, venueId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
