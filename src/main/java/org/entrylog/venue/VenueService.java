package org.entrylog.venue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import org.entrylog.common.ApiException;
import org.entrylog.common.Hashes;
import org.entrylog.common.Ids;
import org.entrylog.common.RegionCode;
import org.entrylog.common.Text;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;

/**
 * Venues, their enrollment codes, and the tablets enrolled with them. Codes and device secrets
 * are stored only as hashes; a code is 128 random bits, so it cannot be guessed.
 */
public final class VenueService {
    public static final int MAX_NAME = 200;

    /** A new venue and the enrollment code that is shown once. */
    public record NewVenue(String venueId, String enrollmentCode) {
        @Override
        public String toString() {
            return "NewVenue[" + venueId + ", code=[REDACTED]]";
        }
    }

    /**
     * An enrolled device and the venue it scans for; {@code area} is where at the venue it stands (null:
     * not given), recorded with each of its scans.
     */
    public record Device(long id, byte[] publicId, long venueId, byte[] venuePublicId, String venueName,
                         String area) {
        public Device(long id, byte[] publicId, long venueId, byte[] venuePublicId, String venueName) {
            this(id, publicId, venueId, venuePublicId, venueName, null);
        }

        public String deviceId() {
            return Ids.encode(publicId);
        }

        public String venueIdText() {
            return Ids.encode(venuePublicId);
        }
    }

    /** What enrollment hands back once. */
    public record Enrollment(String deviceId, String secret, String venueId, String venueName, String label) {
        @Override
        public String toString() {
            return "Enrollment[" + deviceId + ", secret=[REDACTED]]";
        }
    }

    /**
     * A tablet as {@code device list} shows it; times are ISO-8601, {@code lastSeenAt} null if never,
     * {@code area} null if its owner gave none.
     */
    public record Listed(String deviceId, String venueId, String label, String area, String enrolledAt,
            String lastSeenAt, boolean revoked) {}

    /** Longest tablet label, in characters: enough for "Front door, left" in any script. */
    public static final int MAX_LABEL = 40;

    private final Database db;
    private final Clock clock;

    public VenueService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Adds a venue (a command, or the demo venue at first start). */
    public NewVenue add(String name, String address) {
        return add(name, address, null, null, null);
    }

    /** Adds a venue in a region (ISO 3166-2, such as {@code KR-41}; null: in no region). */
    public NewVenue add(String name, String address, String region) {
        return add(name, address, region, null, null);
    }

    /**
     * Adds a venue in an optional region, with an optional capacity (people at once) and default stay
     * (minutes after which an entry without an exit stops counting as inside; null: {@link #DEFAULT_STAY}).
     */
    public NewVenue add(String name, String address, String region, Integer capacity, Integer defaultStayMinutes) {
        String r = region == null ? null : RegionCode.require(region);
        if (capacity != null && capacity < 1) {
            throw new IllegalArgumentException("The capacity must be at least 1.");
        }
        if (defaultStayMinutes != null && (defaultStayMinutes < 1 || defaultStayMinutes > 24 * 60)) {
            throw new IllegalArgumentException("The default stay must be 1 to 1440 minutes.");
        }
        String n = Text.require("name", name, MAX_NAME);
        String a = address == null || address.isBlank() ? null : Text.require("address", address, 300);
        byte[] publicId = Ids.newId();
        String code = Ids.encode(Ids.randomBytes(16));
        db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO venue(public_id, name, address, enrollment_code_hash, created_at, region, capacity,"
                            + " default_stay_minutes) VALUES (?,?,?,?,?,?,?,?)")) {
                ps.setBytes(1, publicId);
                ps.setString(2, n);
                ps.setString(3, a);
                ps.setBytes(4, Hashes.secretHash(code));
                ps.setLong(5, clock.millis());
                ps.setString(6, r);
                ps.setObject(7, capacity);
                ps.setObject(8, defaultStayMinutes);
                return ps.executeUpdate();
            }
        });
        return new NewVenue(Ids.encode(publicId), code);
    }

    /**
     * Trades an enrollment code for a device secret bound to the code's venue. The tablet is named
     * {@code label}, or "Tablet N" (N = tablets ever enrolled at the venue, this one included) when
     * none is given.
     */
    public Enrollment enroll(String code, String label, Connection c) throws SQLException {
        long venueId;
        byte[] venuePublicId;
        String venueName;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, public_id, name FROM venue WHERE enrollment_code_hash = ?")) {
            ps.setBytes(1, Hashes.secretHash(code));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ApiException.unauthorized();
                }
                venueId = rs.getLong(1);
                venuePublicId = rs.getBytes(2);
                venueName = rs.getString(3);
            }
        }
        String name = label;
        if (name == null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM device WHERE venue_id = ?")) {
                ps.setLong(1, venueId);
                try (ResultSet rs = ps.executeQuery()) {
                    name = "Tablet " + ((rs.next() ? rs.getLong(1) : 0) + 1);
                }
            }
        }
        byte[] publicId = Ids.newId();
        String secret = Ids.newSecret();
        long now = clock.millis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO device(public_id, venue_id, secret_hash, enrolled_at, label, last_seen_at)"
                        + " VALUES (?,?,?,?,?,?)")) {
            ps.setBytes(1, publicId);
            ps.setLong(2, venueId);
            ps.setBytes(3, Hashes.secretHash(secret));
            ps.setLong(4, now);
            ps.setString(5, name);
            ps.setLong(6, now);
            ps.executeUpdate();
        }
        return new Enrollment(Ids.encode(publicId), secret, Ids.encode(venuePublicId), venueName, name);
    }

    /**
     * Gives a venue a new enrollment code; the old one stops enrolling with this commit, in every
     * process on the data folder, since enrollment looks the code's hash up in the database each
     * time. Tablets already enrolled keep their own secrets (revoke those separately). Defends
     * against a leaked code enrolling tablets again after a revoke (docs/threat-model.md T26).
     *
     * @throws IllegalArgumentException when no venue has this id
     */
    public String rotateCode(String venueId) {
        byte[] publicId = Ids.decode(venueId, 16);
        String code = publicId == null ? null : db.transaction(c -> {
            Venue v = byPublicId(c, publicId);
            return v == null ? null : rotateCode(c, v.id());
        });
        if (code == null) {
            throw new IllegalArgumentException("no venue with id " + venueId);
        }
        return code;
    }

    /**
     * {@link #rotateCode(String)} on the writer's connection, for the venue with this internal id (the
     * owner's route, which records the change in the same transaction). Answers the new code.
     */
    public static String rotateCode(Connection c, long venueId) throws SQLException {
        String code = Ids.encode(Ids.randomBytes(16));
        try (PreparedStatement ps = c.prepareStatement("UPDATE venue SET enrollment_code_hash = ? WHERE id = ?")) {
            ps.setBytes(1, Hashes.secretHash(code));
            ps.setLong(2, venueId);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no venue " + venueId);
            }
        }
        return code;
    }

    // ---- a venue's tablets, as its owner sees and changes them (issue 16) ----

    /**
     * A tablet of a venue: internal id, label, area (null: none), when it was enrolled and last seen
     * (epoch ms; last seen null if never), its latest offline queue report (null: none), revoked.
     */
    public record Tablet(long id, String deviceId, String label, String area, long enrolledAt, Long lastSeenAt,
                         DeviceSightings.QueueReport queue, boolean revoked) {}

    /** What {@link #tablet(ResultSet)} reads of a device row. */
    private static final String TABLET_SELECT = "SELECT id, public_id, label, area, enrolled_at, last_seen_at,"
            + " queued_scans, oldest_queued_at, queue_reported_at, revoked_at FROM device";

    /** The tablets of the venue with this internal id, revoked ones too, oldest first. */
    public static java.util.List<Tablet> tabletsOf(Connection c, long venueId) throws SQLException {
        java.util.List<Tablet> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                TABLET_SELECT + " WHERE venue_id = ? ORDER BY id")) {
            ps.setLong(1, venueId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(tablet(rs));
                }
            }
        }
        return out;
    }

    /**
     * The tablets not revoked whose stored report has scans queued (the operator's queue figures), by
     * the partial index {@code device_queued}: a handful, however many tablets there are.
     */
    public static java.util.List<Tablet> tabletsWithQueue(Connection c) throws SQLException {
        java.util.List<Tablet> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                TABLET_SELECT + " WHERE queued_scans > 0 AND revoked_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(tablet(rs));
            }
        }
        return out;
    }

    /** The tablet with this internal id, revoked or not, or null. */
    public static Tablet tablet(Connection c, long deviceId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                TABLET_SELECT + " WHERE id = ?")) {
            ps.setLong(1, deviceId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? tablet(rs) : null;
            }
        }
    }

    /**
     * Tablets that sent scans at or after {@code since} (their {@code last_scan_at}, written at most
     * once a minute, see {@link DeviceSightings}), by {@code device_last_scan}: a count, no ids.
     */
    public static long scanningSince(Connection c, long since) throws SQLException {
        Long n = Sql.value(c, "SELECT count(*) FROM device WHERE last_scan_at >= ?", since);
        return n == null ? 0 : n;
    }

    private static Tablet tablet(ResultSet rs) throws SQLException {
        long seen = rs.getLong("last_seen_at");
        Long lastSeen = rs.wasNull() ? null : seen;
        long queued = rs.getLong("queued_scans");
        boolean noQueue = rs.wasNull();
        long oldest = rs.getLong("oldest_queued_at");
        Long oldestAt = rs.wasNull() ? null : oldest;
        long reportedAt = rs.getLong("queue_reported_at");
        DeviceSightings.QueueReport q = noQueue ? null
                : new DeviceSightings.QueueReport((int) queued, oldestAt, reportedAt);
        rs.getLong("revoked_at");
        boolean revoked = !rs.wasNull();
        return new Tablet(rs.getLong("id"), Ids.encode(rs.getBytes("public_id")), rs.getString("label"),
                rs.getString("area"), rs.getLong("enrolled_at"), lastSeen, q, revoked);
    }

    /**
     * The tablet with this public id at the venue with this internal id, or null: a tablet of another
     * venue is as unknown as none (docs/threat-model.md T49).
     */
    public static Tablet tabletAt(Connection c, long venueId, String deviceId) throws SQLException {
        byte[] publicId = Ids.decode(deviceId, 16);
        if (publicId == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(
                TABLET_SELECT + " WHERE public_id = ? AND venue_id = ?")) {
            ps.setBytes(1, publicId);
            ps.setLong(2, venueId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? tablet(rs) : null;
            }
        }
    }

    /** Gives a tablet a new label (1–{@link #MAX_LABEL} characters) and area (null: none). */
    public static void relabel(Connection c, long deviceId, String label, String area) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE device SET label = ?, area = ? WHERE id = ?")) {
            ps.setString(1, label);
            ps.setString(2, area);
            ps.setLong(3, deviceId);
            ps.executeUpdate();
        }
    }

    /** Revokes a tablet by its internal id; true when it was active. Refused from its next request. */
    public static boolean revoke(Connection c, long deviceId, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE device SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            ps.setLong(1, at);
            ps.setLong(2, deviceId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Writes a tablet's latest offline-queue report (at most once a minute, with its last-seen time:
     * {@link DeviceSightings}).
     */
    static void writeQueue(Connection c, long deviceId, DeviceSightings.QueueReport q) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE device SET queued_scans = ?, oldest_queued_at = ?, queue_reported_at = ? WHERE id = ?"
                        + " AND (queue_reported_at IS NULL OR queue_reported_at <= ?)")) {
            ps.setInt(1, q.queued());
            ps.setObject(2, q.oldestAt());
            ps.setLong(3, q.reportedAt());
            ps.setLong(4, deviceId);
            ps.setLong(5, q.reportedAt());
            ps.executeUpdate();
        }
    }

    /**
     * Every tablet enrolled (revoked ones too), oldest first; of one venue when {@code venueId} is
     * not null.
     *
     * @throws IllegalArgumentException when {@code venueId} names no venue
     */
    public java.util.List<Listed> list(String venueId) {
        return db.read(c -> {
            Long venue = null;
            if (venueId != null) {
                byte[] publicId = Ids.decode(venueId, 16);
                Venue v = publicId == null ? null : byPublicId(c, publicId);
                if (v == null) {
                    throw new IllegalArgumentException("no venue with id " + venueId);
                }
                venue = v.id();
            }
            java.util.List<Listed> out = new java.util.ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT d.public_id, v.public_id, d.label, d.enrolled_at, d.last_seen_at, d.revoked_at, d.area FROM device d"
                            + " JOIN venue v ON v.id = d.venue_id WHERE CAST(? AS BIGINT) IS NULL OR d.venue_id = ? ORDER BY d.id")) {
                ps.setObject(1, venue);
                ps.setObject(2, venue);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long seen = rs.getLong(5);
                        boolean never = rs.wasNull();
                        rs.getLong(6);
                        boolean active = rs.wasNull();
                        out.add(new Listed(Ids.encode(rs.getBytes(1)), Ids.encode(rs.getBytes(2)), rs.getString(3),
                                rs.getString(7), java.time.Instant.ofEpochMilli(rs.getLong(4)).toString(),
                                never ? null : java.time.Instant.ofEpochMilli(seen).toString(), !active));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Records that a device was heard from at {@code at}, never moving the time back (a sighting
     * queued behind a later one). Called through the write queue at most once a minute per device:
     * {@link DeviceSightings}.
     */
    public static void markSeen(Connection c, long deviceId, long at) throws SQLException {
        moveForward(c, "last_seen_at", deviceId, at);
    }

    /** The tablet sent scans at {@code at} (epoch ms), as {@link #markSeen}. */
    public static void markScanned(Connection c, long deviceId, long at) throws SQLException {
        moveForward(c, "last_scan_at", deviceId, at);
    }

    /** Sets the device's time {@code column} (a name from this class, never input) to {@code at} unless later. */
    private static void moveForward(Connection c, String column, long deviceId, long at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE device SET " + column + " = ? WHERE id = ? AND ("
                + column + " IS NULL OR " + column + " < ?)")) {
            ps.setLong(1, at);
            ps.setLong(2, deviceId);
            ps.setLong(3, at);
            ps.executeUpdate();
        }
    }

    /** The enrolled, unrevoked device holding this secret; 401 otherwise (docs/threat-model.md T9, T26). */
    public Device authenticate(String secret) {
        if (secret == null) {
            throw ApiException.unauthorized();
        }
        // Read each time, not cached: a cache measured 12 → 9 µs of a ~750 µs scan (BENCHMARKS.md), and
        // would have to learn of a revocation, a new label or area made by another process or server.
        byte[] hash = Hashes.secretHash(secret);
        Device d = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT d.id, d.public_id, d.venue_id, v.public_id, v.name, d.secret_hash, d.area FROM device d"
                            + " JOIN venue v ON v.id = d.venue_id WHERE d.secret_hash = ? AND d.revoked_at IS NULL")) {
                ps.setBytes(1, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !Hashes.equal(rs.getBytes(6), hash)) {
                        return null;
                    }
                    return new Device(rs.getLong(1), rs.getBytes(2), rs.getLong(3), rs.getBytes(4), rs.getString(5),
                            rs.getString(7));
                }
            }
        });
        if (d == null) {
            throw ApiException.unauthorized();
        }
        return d;
    }

    /** Revokes a device by its id; true when it existed and was active. */
    public boolean revoke(String deviceId) {
        byte[] publicId = Ids.decode(deviceId, 16);
        if (publicId == null) {
            return false;
        }
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE device SET revoked_at = ? WHERE public_id = ? AND revoked_at IS NULL")) {
                ps.setLong(1, clock.millis());
                ps.setBytes(2, publicId);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** A venue as official answers name it; {@code region} is null when it lies in no region. */
    public record Venue(long id, byte[] publicId, String name, String region) {}

    /** The venue with this public id, or null. */
    public static Venue byPublicId(Connection c, byte[] publicId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, public_id, name, region FROM venue WHERE public_id = ?")) {
            ps.setBytes(1, publicId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Venue(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getString(4)) : null;
            }
        }
    }

    /** The venue with this internal id, or null. */
    public static Venue byId(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, public_id, name, region FROM venue WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Venue(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getString(4)) : null;
            }
        }
    }

    /** Venues registered. */
    public static long count(Connection c) throws SQLException {
        Long n = org.entrylog.store.Sql.value(c, "SELECT count(*) FROM venue");
        return n == null ? 0 : n;
    }

    /** Devices enrolled and not revoked. */
    public static long activeDevices(Connection c) throws SQLException {
        Long n = org.entrylog.store.Sql.value(c, "SELECT count(*) FROM device WHERE revoked_at IS NULL");
        return n == null ? 0 : n;
    }

    // ---- capacity and default stay (issue 16) ----

    /** How long an entry without an exit counts as inside when the venue sets no default stay. */
    public static final java.time.Duration DEFAULT_STAY = java.time.Duration.ofHours(3);

    /** A venue's occupancy settings: its capacity (null: none given) and default stay. */
    public record Limits(Integer capacity, java.time.Duration defaultStay) {}

    /** The occupancy settings of the venue with this internal id, or null when there is none. */
    public static Limits limits(Connection c, long venueId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT capacity, default_stay_minutes FROM venue WHERE id = ?")) {
            ps.setLong(1, venueId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                int cap = rs.getInt(1);
                Integer capacity = rs.wasNull() ? null : cap;
                int stay = rs.getInt(2);
                return new Limits(capacity, rs.wasNull() ? DEFAULT_STAY : java.time.Duration.ofMinutes(stay));
            }
        }
    }
}
