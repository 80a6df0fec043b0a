package org.entrylog.visitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import org.entrylog.common.ApiException;
import org.entrylog.common.Hashes;
import org.entrylog.common.Ids;
import org.entrylog.common.Text;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;

/**
 * Registration and authentication of visitors. A visitor row holds the sealed identity, the keyed
 * phone hash and the hash of the visitor's secret: nothing readable.
 */
public final class VisitorService {
    public static final int MAX_NAME = 100;
    /**
     * Activity is written at most once an hour, as "active until now + 1 h": the stored value is
     * never earlier than the real last activity, so retention can only keep an identity slightly
     * longer, never destroy it early, and pass issuance costs no write most of the time.
     */
    static final Duration ACTIVITY_GRAIN = Duration.ofHours(1);

    /** A registered visitor, as authenticated. */
    public record Visitor(long id, byte[] publicId, long lastActiveAt) {
        public String visitorId() {
            return Ids.encode(publicId);
        }
    }

    /** What registration hands back once: the id and the secret (stored only hashed). */
    public record Registration(String visitorId, String secret) {
        @Override
        public String toString() {
            return "Registration[" + visitorId + ", secret=[REDACTED]]";
        }
    }

    private final Database db;
    private final WriteQueue writes;
    private final IdentitySealer sealer;
    private final PhoneHasher phoneHasher;
    private final PhoneNumbers phones;
    private final Clock clock;

    public VisitorService(Database db, WriteQueue writes, IdentitySealer sealer, PhoneHasher phoneHasher,
                          PhoneNumbers phones, Clock clock) {
        this.db = db;
        this.writes = writes;
        this.sealer = sealer;
        this.phoneHasher = phoneHasher;
        this.phones = phones;
        this.clock = clock;
    }

    /** A checked identity, ready to be sealed. */
    public record CheckedIdentity(IdentitySealer.Identity identity, byte[] phoneHash) {}

    /** Validates a name and phone, normalising the phone to E.164. */
    public CheckedIdentity check(String name, String phone) {
        String n = Text.require("name", name, MAX_NAME);
        String e164 = phones.normalise(phone).orElseThrow(() -> ApiException.badRequest(
                "'phone' is not a valid phone number."));
        return new CheckedIdentity(new IdentitySealer.Identity(n, e164), phoneHasher.hash(e164));
    }

    public Registration register(String name, String phone) {
        CheckedIdentity checked = check(name, phone);
        byte[] sealed = sealer.seal(checked.identity());
        String secret = Ids.newSecret();
        byte[] publicId = Ids.newId();
        long now = clock.millis();
        writes.execute(c -> insert(c, publicId, sealed, checked.phoneHash(), Hashes.secretHash(secret), now));
        return new Registration(Ids.encode(publicId), secret);
    }

    /** Seals a checked identity now, so no plaintext goes further than this call. */
    public byte[] seal(CheckedIdentity checked) {
        return sealer.seal(checked.identity());
    }

    /** Inserts a visitor row (on the writer's connection) and returns its internal id. */
    public static long insert(Connection c, byte[] publicId, byte[] sealed, byte[] phoneHash, byte[] secretHash,
                              long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO visitor(public_id, sealed_identity, phone_hash, secret_hash, created_at, last_active_at)"
                        + " VALUES (?,?,?,?,?,?) RETURNING id")) {
            ps.setBytes(1, publicId);
            ps.setBytes(2, sealed);
            ps.setBytes(3, phoneHash);
            ps.setBytes(4, secretHash);
            ps.setLong(5, now);
            ps.setLong(6, now + ACTIVITY_GRAIN.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * The visitor whose id and secret these are. An unknown id and a wrong secret get the same
     * answer, so ids cannot be probed (docs/threat-model.md T29).
     */
    public Visitor authenticate(String visitorId, String secret) {
        byte[] publicId = Ids.decode(visitorId, 16);
        if (publicId == null || secret == null) {
            throw ApiException.unauthorized();
        }
        byte[] presented = Hashes.secretHash(secret);
        Visitor v = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, secret_hash, last_active_at FROM visitor WHERE public_id = ?")) {
                ps.setBytes(1, publicId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !Hashes.equal(rs.getBytes(2), presented)) {
                        return null;
                    }
                    return new Visitor(rs.getLong(1), publicId, rs.getLong(3));
                }
            }
        });
        if (v == null) {
            throw ApiException.unauthorized();
        }
        return v;
    }

    /** Records activity (a pass was issued) when the stored mark has run out. */
    public void touch(Visitor v) {
        long now = clock.millis();
        if (now < v.lastActiveAt()) {
            return;
        }
        writes.execute(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE visitor SET last_active_at = ? WHERE id = ? AND last_active_at < ?")) {
                ps.setLong(1, now + ACTIVITY_GRAIN.toMillis());
                ps.setLong(2, v.id());
                ps.setLong(3, now + ACTIVITY_GRAIN.toMillis());
                return ps.executeUpdate();
            }
        });
    }

    /** Whether the visitor row is still there (on the writer's connection, inside its transaction). */
    public static boolean exists(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM visitor WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The internal id of a visitor by public id, or -1 when unknown (for scans). */
    public long internalId(byte[] publicId) {
        return db.read(c -> internalId(c, publicId));
    }

    /** The same on a given connection: the scan path looks it up on the writer, in the scan's transaction. */
    public static long internalId(Connection c, byte[] publicId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM visitor WHERE public_id = ?")) {
            ps.setBytes(1, publicId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1L;
            }
        }
    }

    /** The visitor rows (a registration and any manual entries) with this phone hash: internal id → public id. */
    public static java.util.Map<Long, byte[]> byPhoneHash(Connection c, byte[] phoneHash) throws SQLException {
        java.util.Map<Long, byte[]> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, public_id FROM visitor WHERE phone_hash = ?")) {
            ps.setBytes(1, phoneHash);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getBytes(2));
                }
            }
        }
        return out;
    }

    /** A visitor inactive since a cut-off, by the key a purge pages through them with. */
    public record Inactive(long id, long lastActiveAt) {}

    /** One page of visitors inactive since the cut-off, after (lastActiveAt, id) of {@code after}, in that order. */
    public static java.util.List<Inactive> inactive(Connection c, long cutoff, Inactive after, int limit)
            throws SQLException {
        java.util.List<Inactive> page = new java.util.ArrayList<>(limit);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, last_active_at FROM visitor WHERE last_active_at < ? AND (last_active_at, id) > (?, ?)"
                        + " ORDER BY last_active_at, id LIMIT ?")) {
            ps.setLong(1, cutoff);
            ps.setLong(2, after.lastActiveAt());
            ps.setLong(3, after.id());
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    page.add(new Inactive(rs.getLong(1), rs.getLong(2)));
                }
            }
        }
        return page;
    }

    /** Destroys a visitor row and its sealed identity (inside a retention purge, which the triggers check). */
    public static boolean delete(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM visitor WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }
}
