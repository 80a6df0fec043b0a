package org.entrylog.scan;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.entrylog.chain.ChainHash;
import org.entrylog.chain.ChainHead;
import org.entrylog.chain.LogVerifier;
import org.entrylog.store.Database;
import org.entrylog.store.Sql;

/**
 * The owner of {@code scan_log} and {@code token_use}: every read and write of a scan or of a
 * pass's use goes through here. Writes run on the writer's connection, inside its transaction, so
 * a row and the new chain head are written together or not at all.
 *
 * <p>Reads that need a scan's visitor (the pseudonymous id and sealed identity an official
 * export carries, or whether a visitor has any scan left) are answered here as joins, so the
 * scan log's indexes decide the plan; the visitor table itself is written only by its owner.
 */
public final class ScanStore {
    public static final String NAME = "scan_log";

    /**
     * One row as appended; ids are internal keys. {@code companions} (0–9) are people let in with
     * this entry; {@code cardId} is the card of a card scan, else null; {@code area} the area the
     * scanning tablet stood at (null: none).
     */
    public record Entry(byte[] scanId, long venueId, long deviceId, long visitorId, long scannedAt,
                        long receivedAt, Long deviceTime, Direction direction, Source source, int companions,
                        Long cardId, String area) {
        /** An entry of a tablet without an area. */
        public Entry(byte[] scanId, long venueId, long deviceId, long visitorId, long scannedAt,
                     long receivedAt, Long deviceTime, Direction direction, Source source, int companions,
                     Long cardId) {
            this(scanId, venueId, deviceId, visitorId, scannedAt, receivedAt, deviceTime, direction, source,
                    companions, cardId, null);
        }

        /** An entry without companions or card. */
        public Entry(byte[] scanId, long venueId, long deviceId, long visitorId, long scannedAt,
                     long receivedAt, Long deviceTime, Direction direction, Source source) {
            this(scanId, venueId, deviceId, visitorId, scannedAt, receivedAt, deviceTime, direction, source, 0, null,
                    null);
        }
    }

    /**
     * A scan as the contact rule and the history see it: internal ids, epoch millis, and the
     * companions let in with it (0 on rows older than companions), and the area of the tablet that
     * scanned it (null: none, and on rows older than areas).
     */
    public record Scan(long seq, long visitorId, long venueId, long at, Direction direction, int companions,
                       String area) {
        public Scan(long seq, long visitorId, long venueId, long at, Direction direction) {
            this(seq, visitorId, venueId, at, direction, 0, null);
        }

        public Scan(long seq, long visitorId, long venueId, long at, Direction direction, int companions) {
            this(seq, visitorId, venueId, at, direction, companions, null);
        }
    }

    /** A scan at a venue with what an official export tells of its visitor. */
    public record VisitAt(Scan scan, byte[] scanId, byte[] visitorPublicId, byte[] sealedIdentity) {}

    /** An earlier use of a pass: where, and the scan it made ({@code scanId} null once that scan was purged). */
    public record TokenUse(long venueId, byte[] scanId, long scannedAt) {}

    /** The oldest row held, by position: where the surviving chain starts. */
    public record First(long seq, byte[] prevHash) {}

    private ScanStore() {}

    // ---- appending ----

    /** Appends the entry, links it to the chain, and returns its {@code seq}. */
    public static long append(Connection c, Entry e) throws SQLException {
        ChainHead head = ChainHead.read(c, NAME);
        // The position is given, not left to SQLite's max(rowid) + 1: once a purge has deleted the
        // newest rows (late offline scans can be the oldest), that would hand a purged row's seq to a
        // new scan, and a token_use row of the purged scan would then point at someone else's visit.
        long seq = head.entries() + 1;
        if (Database.isPostgres(c)) {
            ScanDays.ensure(c, e.scannedAt());
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO scan_log(seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at,"
                        + " device_time, direction, source, prev_hash, companions, card_id, area)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setLong(1, seq);
            ps.setBytes(2, e.scanId());
            ps.setLong(3, e.venueId());
            ps.setLong(4, e.deviceId());
            ps.setLong(5, e.visitorId());
            ps.setLong(6, e.scannedAt());
            ps.setLong(7, e.receivedAt());
            if (e.deviceTime() == null) {
                ps.setNull(8, Types.INTEGER);
            } else {
                ps.setLong(8, e.deviceTime());
            }
            ps.setInt(9, e.direction().code());
            ps.setInt(10, e.source().code());
            ps.setBytes(11, head.hash());
            ps.setInt(12, e.companions());
            if (e.cardId() == null) {
                ps.setNull(13, Types.INTEGER);
            } else {
                ps.setLong(13, e.cardId());
            }
            ps.setString(14, e.area());
            ps.executeUpdate();
        }
        ChainHead.advance(c, NAME, rowHash(seq, e, head.hash()));
        return seq;
    }

    /** Records that a pass was used, by the scan at {@code seq}; the primary key makes it once only. */
    public static void recordTokenUse(Connection c, byte[] tokenId, long venueId, long seq, long expiresAt)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO token_use(token_id, venue_id, scan_seq, expires_at) VALUES (?,?,?,?)")) {
            ps.setBytes(1, tokenId);
            ps.setLong(2, venueId);
            ps.setLong(3, seq);
            ps.setLong(4, expiresAt);
            ps.executeUpdate();
        }
    }

    /** The earlier use of a pass, or null when it was never used. */
    public static TokenUse tokenUse(Connection c, byte[] tokenId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT u.venue_id, s.scan_id, s.scanned_at FROM token_use u LEFT JOIN scan_log s ON s.seq = u.scan_seq"
                        + " WHERE u.token_id = ?")) {
            ps.setBytes(1, tokenId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new TokenUse(rs.getLong(1), rs.getBytes(2), rs.getLong(3)) : null;
            }
        }
    }

    /** A card's earlier scan: the row's scan id and time. */
    public record CardScan(byte[] scanId, long scannedAt) {}

    /**
     * The scan of a card at a venue, in that direction, nearest to {@code at} within [from, to]
     * (by {@code scan_log_card}), or null: what makes a card's repeat a duplicate.
     */
    public static CardScan cardScanNear(Connection c, long cardId, long venueId, Direction direction, long at,
                                        long from, long to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT scan_id, scanned_at FROM scan_log WHERE card_id = ? AND venue_id = ? AND scanned_at >= ?"
                        + " AND scanned_at <= ? AND direction = ? ORDER BY abs(scanned_at - ?), seq DESC LIMIT 1")) {
            ps.setLong(1, cardId);
            ps.setLong(2, venueId);
            ps.setLong(3, from);
            ps.setLong(4, to);
            ps.setInt(5, direction.code());
            ps.setLong(6, at);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new CardScan(rs.getBytes(1), rs.getLong(2)) : null;
            }
        }
    }

    // ---- the chain ----

    /**
     * The hash of a row over all its columns, in table order. Rows written since companions and
     * cards (migration 005) always carry {@code companions}, and their hash ends with it and
     * {@code card_id}; older rows, where both are NULL, are hashed as they were written, so their
     * chain still verifies. A row cannot pass for the other kind: the two encodings differ in length.
     * Likewise a row with an area (migration 012) is hashed with it last, and a row without one as
     * before, so an area added to, removed from or changed on a row breaks its hash.
     */
    public static byte[] rowHash(long seq, Entry e, byte[] prevHash) {
        return withArea(withCompanions(rowHashV1(seq, e, prevHash), (long) e.companions(), e.cardId()), e.area())
                .digest();
    }

    private static ChainHash withCompanions(ChainHash h, Long companions, Long cardId) {
        return companions == null ? h : h.integer(companions).integer(cardId);
    }

    private static ChainHash withArea(ChainHash h, String area) {
        return area == null ? h : h.text(area);
    }

    private static ChainHash rowHashV1(long seq, Entry e, byte[] prevHash) {
        return new ChainHash(NAME)
                .integer(seq)
                .blob(e.scanId())
                .integer(e.venueId())
                .integer(e.deviceId())
                .integer(e.visitorId())
                .integer(e.scannedAt())
                .integer(e.receivedAt())
                .integer(e.deviceTime())
                .integer(e.direction().code())
                .integer(e.source().code())
                .blob(prevHash);
    }

    /** The hash of a row as stored, from its columns' raw values, so an altered value shows. */
    private static byte[] rowHash(ResultSet rs) throws SQLException {
        Long dt = nullable(rs, "device_time");
        ChainHash h = new ChainHash(NAME)
                .integer(rs.getLong("seq"))
                .blob(rs.getBytes("scan_id"))
                .integer(rs.getLong("venue_id"))
                .integer(rs.getLong("device_id"))
                .integer(rs.getLong("visitor_id"))
                .integer(rs.getLong("scanned_at"))
                .integer(rs.getLong("received_at"))
                .integer(dt)
                .integer(rs.getLong("direction"))
                .integer(rs.getLong("source"))
                .blob(rs.getBytes("prev_hash"));
        return withArea(withCompanions(h, nullable(rs, "companions"), nullable(rs, "card_id")), rs.getString("area"))
                .digest();
    }

    private static Long nullable(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    /** Walks the scan chain (see {@link LogVerifier}). */
    public static LogVerifier.Result verify(Connection c) throws SQLException {
        return LogVerifier.walk(c, NAME, "entry", ScanStore::rowHash);
    }

    /** The hash of the row at {@code seq}, or null when it is not held. */
    public static byte[] hashAt(Connection c, long seq) throws SQLException {
        return LogVerifier.hashAt(c, NAME, seq, ScanStore::rowHash);
    }

    /** The oldest row by position, or null when the log is empty. */
    public static First first(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, prev_hash FROM scan_log ORDER BY seq LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new First(rs.getLong(1), rs.getBytes(2)) : null;
        }
    }

    // ---- aggregate reads (no personal data) ----

    /** Epoch millis of the oldest scan held, or null when the log is empty (by the scanned_at index). */
    public static Long oldest(Connection c) throws SQLException {
        return Sql.value(c, "SELECT min(scanned_at) FROM scan_log");
    }

    public static Long oldest(Database db) {
        return db.read(ScanStore::oldest);
    }

    /** Rows held. */
    public static long count(Connection c) throws SQLException {
        Long n = Sql.value(c, "SELECT count(*) FROM scan_log");
        return n == null ? 0 : n;
    }

    // ---- occupancy and activity (counts only; issue 16) ----

    /**
     * The people one visitor's latest scan counts for: the visitor and the companions let in with
     * them (0-9; rows logged before companions existed hold NULL and count the visitor alone).
     */
    private static final String PEOPLE = "1 + coalesce(companions, 0)";

    /**
     * People inside the venue as of {@code now}: over its scans in [{@code since}, {@code now}]
     * (by {@code scan_log_venue_time}), each visitor whose latest scan there is an entry counts
     * {@link #PEOPLE}; an exit, or no scan since {@code since}, counts nothing. Occupancy passes
     * {@code since} = now - the venue's default stay, so an entry without an exit stops counting then.
     */
    public static long inside(Connection c, long venueId, long since, long now) throws SQLException {
        Long n = Sql.value(c, INSIDE, venueId, since, now);
        return n == null ? 0 : n;
    }

    /** The query of {@link #inside} (venue, since, now): one range of {@code scan_log_venue_time}. */
    static final String INSIDE = "SELECT coalesce(sum(people), 0) FROM (SELECT direction, " + PEOPLE + " AS people,"
            + " row_number() OVER (PARTITION BY visitor_id ORDER BY scanned_at DESC, seq DESC) AS newest"
            + " FROM scan_log WHERE venue_id = ? AND scanned_at >= ? AND scanned_at <= ?) latest"
            + " WHERE newest = 1 AND direction = " + Direction.IN.code();

    /** Scans at the venue in [{@code from}, {@code to}) (by {@code scan_log_venue_time}). */
    public static long countAt(Connection c, long venueId, long from, long to) throws SQLException {
        Long n = Sql.value(c, "SELECT count(*) FROM scan_log WHERE venue_id = ? AND scanned_at >= ? AND scanned_at < ?",
                venueId, from, to);
        return n == null ? 0 : n;
    }

    /**
     * Scans at the venue in [{@code from}, {@code to}) by the tablet that took them (internal device id
     * → count; by {@code scan_log_venue_time}): counts only.
     */
    public static java.util.Map<Long, Long> countByDevice(Connection c, long venueId, long from, long to)
            throws SQLException {
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT device_id, count(*) FROM scan_log"
                + " WHERE venue_id = ? AND scanned_at >= ? AND scanned_at < ? GROUP BY device_id")) {
            ps.setLong(1, venueId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** Scans by one tablet (internal id) with {@code from <= scanned_at < to}. */
    public static long countOfDevice(Connection c, long deviceId, long from, long to) throws SQLException {
        Long n = org.entrylog.store.Sql.value(c, "SELECT count(*) FROM scan_log WHERE device_id = ?"
                + " AND scanned_at >= ? AND scanned_at < ?", deviceId, from, to);
        return n == null ? 0L : n;
    }

    // ---- visits ----

    /** A visitor's scans, newest first (by {@code scan_log_visitor_time}). */
    public static List<Scan> visitsOf(Connection c, long visitorId) throws SQLException {
        List<Scan> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, visitor_id, venue_id, scanned_at, direction, companions, area FROM scan_log"
                        + " WHERE visitor_id = ? ORDER BY scanned_at DESC, seq DESC")) {
            ps.setLong(1, visitorId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(scan(rs));
                }
            }
        }
        return out;
    }

    /** A visitor's scans in [from, to], oldest first (by {@code scan_log_visitor_time}). */
    public static List<Scan> visitsOf(Connection c, long visitorId, long from, long to) throws SQLException {
        List<Scan> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq, visitor_id, venue_id, scanned_at, direction, companions, area FROM scan_log"
                        + " WHERE visitor_id = ? AND scanned_at >= ? AND scanned_at <= ? ORDER BY scanned_at, seq")) {
            ps.setLong(1, visitorId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(scan(rs));
                }
            }
        }
        return out;
    }

    /** Every scan at a venue in [from, to], oldest first, with its visitor (by {@code scan_log_venue_time}). */
    public static List<VisitAt> visitsAt(Connection c, long venueId, long from, long to) throws SQLException {
        List<VisitAt> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT s.seq, s.visitor_id, s.venue_id, s.scanned_at, s.direction, s.companions, s.area, s.scan_id,"
                        + " v.public_id,"
                        + " v.sealed_identity FROM scan_log s JOIN visitor v ON v.id = s.visitor_id"
                        + " WHERE s.venue_id = ? AND s.scanned_at >= ? AND s.scanned_at <= ?"
                        + " ORDER BY s.scanned_at, s.seq")) {
            ps.setLong(1, venueId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new VisitAt(scan(rs), rs.getBytes("scan_id"), rs.getBytes("public_id"),
                            rs.getBytes("sealed_identity")));
                }
            }
        }
        return out;
    }

    private static Scan scan(ResultSet rs) throws SQLException {
        return new Scan(rs.getLong("seq"), rs.getLong("visitor_id"), rs.getLong("venue_id"), rs.getLong("scanned_at"),
                Direction.of(rs.getInt("direction")), rs.getInt("companions"), // NULL (older rows) reads as 0
                rs.getString("area"));
    }

    // ---- retention ----

    /** Scans older than the cut-off. */
    public static long countOlderThan(Connection c, long cutoff) throws SQLException {
        return n(Sql.value(c, "SELECT count(*) FROM scan_log WHERE scanned_at < ?", cutoff));
    }

    /** Whether any scan is older than the cut-off. */
    public static boolean anyOlderThan(Connection c, long cutoff) throws SQLException {
        return n(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM scan_log WHERE scanned_at < ?)", cutoff)) > 0;
    }

    /** Visitors inactive since the cut-off with no scan since it: what a purge would destroy. */
    public static long countVisitorsWithoutScansSince(Connection c, long cutoff) throws SQLException {
        return n(Sql.value(c, "SELECT count(*) FROM visitor v WHERE last_active_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM scan_log s WHERE s.visitor_id = v.id AND s.scanned_at >= ?)", cutoff, cutoff));
    }

    /** Whether any visitor is inactive since the cut-off with no scan since it. */
    public static boolean anyVisitorWithoutScansSince(Connection c, long cutoff) throws SQLException {
        return n(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM visitor v WHERE last_active_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM scan_log s WHERE s.visitor_id = v.id AND s.scanned_at >= ?))", cutoff, cutoff)) > 0;
    }

    /** Whether the visitor has any scan held (a visitor with one is never destroyed). */
    public static boolean hasScans(Connection c, long visitorId) throws SQLException {
        return n(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM scan_log WHERE visitor_id = ?)", visitorId)) > 0;
    }

    /** Pass uses expired before {@code bound} whose scan is gone or older than the cut-off (a dry run's count). */
    public static long countTokenUsesDue(Connection c, long bound, long cutoff) throws SQLException {
        return n(Sql.value(c, "SELECT count(*) FROM token_use u WHERE expires_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq AND s.scanned_at >= ?)", bound, cutoff));
    }

    /** Whether any pass use expired before {@code bound} has lost its scan. */
    public static boolean anyTokenUseDue(Connection c, long bound) throws SQLException {
        return n(Sql.value(c, "SELECT EXISTS (SELECT 1 FROM token_use u WHERE expires_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq))", bound)) > 0;
    }

    /**
     * Deletes up to {@code limit} of the oldest scans older than the cut-off, and vouches in
     * {@code chain_resume} for every surviving row whose predecessor went. Oldest first by
     * {@code scanned_at}, which is not {@code seq} order: a late offline scan can be older than rows
     * appended before it, so its deletion can cut the chain in the middle, or at the newest end.
     * Runs inside an open purge (the delete triggers let only such rows through).
     *
     * @return the number of scans deleted
     */
    public static int deleteOlderThan(Connection c, long purgeId, long cutoff, int limit) throws SQLException {
        List<Long> deleted = new ArrayList<>(limit);
        if (Database.isPostgres(c)) {
            // whole days first, one per transaction: their partitions are dropped, not emptied
            ScanDays.Dropped day = ScanDays.dropOldestBefore(c, cutoff);
            if (day != null) {
                vouchForSurvivors(c, purgeId, day.seqs());
                return day.seqs().size();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM scan_log WHERE seq IN (SELECT seq FROM scan_log WHERE scanned_at < ?"
                        + " ORDER BY scanned_at, seq LIMIT ?) RETURNING seq")) {
            ps.setLong(1, cutoff);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getLong(1));
                }
            }
        }
        vouchForSurvivors(c, purgeId, deleted);
        return deleted.size();
    }

    /** Vouches in {@code chain_resume} for every surviving row whose predecessor went ({@code deleted}). */
    private static void vouchForSurvivors(Connection c, long purgeId, List<Long> deleted) throws SQLException {
        if (deleted.isEmpty()) {
            return;
        }
        long[] seqs = deleted.stream().mapToLong(Long::longValue).sorted().toArray();
        Set<Long> gone = new HashSet<>(deleted);
        ChainHead head = ChainHead.read(c, NAME);
        // Resume points of rows now deleted vouch for nothing any more.
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM chain_resume WHERE log = ? AND seq BETWEEN ? AND ?"
                        + " AND NOT EXISTS (SELECT 1 FROM scan_log s WHERE s.seq = chain_resume.seq)")) {
            ps.setString(1, NAME);
            ps.setLong(2, seqs[0]);
            ps.setLong(3, seqs[seqs.length - 1]);
            ps.executeUpdate();
        }
        try (PreparedStatement next = c.prepareStatement(
                "SELECT seq, prev_hash FROM scan_log WHERE seq > ? ORDER BY seq LIMIT 1");
             PreparedStatement resume = c.prepareStatement(
                "INSERT INTO chain_resume(log, seq, prev_hash, purge_id) VALUES (?,?,?,?) ON CONFLICT DO NOTHING")) {
            resume.setString(1, NAME);
            resume.setLong(4, purgeId);
            for (long s : seqs) {
                if (gone.contains(s + 1)) {
                    continue; // the end of this run of deleted rows finds the survivor
                }
                next.setLong(1, s);
                try (ResultSet rs = next.executeQuery()) {
                    if (rs.next()) {
                        resume.setLong(2, rs.getLong(1));
                        resume.setBytes(3, rs.getBytes(2));
                    } else {
                        // The newest rows went: vouch for the place the next entry will take, which
                        // will carry the hash of the (deleted) head.
                        resume.setLong(2, head.entries() + 1);
                        resume.setBytes(3, head.hash());
                    }
                }
                resume.executeUpdate();
            }
        }
    }

    /**
     * Reads, and does not change, the pages that {@link #deleteOlderThan} will touch to delete the next
     * {@code limit} scans: their rows, and their entries in the venue and visitor indexes, which lie
     * anywhere in those indexes (one random page each per scan). Run on a reader before the chunk goes
     * to the writer, it makes the disk's reads while scans are still being written, so the chunk's
     * transaction, which every scan arriving meanwhile waits for, finds its pages in memory (issue 18:
     * on a 35 GB log whose indexes are not all cached). Rows that change in between are only missed
     * pages. Returns the scans looked at.
     */
    public static int readAheadOldest(Connection c, long cutoff, int limit) throws SQLException {
        int n = 0;
        try (PreparedStatement oldest = c.prepareStatement("SELECT seq, venue_id, visitor_id, scanned_at FROM scan_log"
                + " WHERE scanned_at < ? ORDER BY scanned_at, seq LIMIT ?");
             PreparedStatement venue = c.prepareStatement("SELECT seq FROM scan_log INDEXED BY scan_log_venue_time"
                     + " WHERE venue_id = ? AND scanned_at = ? AND seq = ?");
             PreparedStatement visitor = c.prepareStatement("SELECT seq FROM scan_log INDEXED BY scan_log_visitor_time"
                     + " WHERE visitor_id = ? AND scanned_at = ? AND seq = ?")) {
            oldest.setLong(1, cutoff);
            oldest.setInt(2, limit);
            try (ResultSet rs = oldest.executeQuery()) {
                while (rs.next()) {
                    n++;
                    touch(venue, rs.getLong(2), rs.getLong(4), rs.getLong(1));
                    touch(visitor, rs.getLong(3), rs.getLong(4), rs.getLong(1));
                }
            }
        }
        return n;
    }

    /**
     * The same for {@link #deleteTokenUses}: the pass-use records next in line and their place in the
     * table's primary key (random token ids: one page each).
     */
    public static int readAheadTokenUses(Connection c, long bound, int limit) throws SQLException {
        int n = 0;
        try (PreparedStatement next = c.prepareStatement("SELECT token_id FROM token_use INDEXED BY token_use_expiry"
                + " WHERE expires_at < ? ORDER BY expires_at LIMIT ?");
             PreparedStatement row = c.prepareStatement("SELECT scan_seq FROM token_use WHERE token_id = ?")) {
            next.setLong(1, bound);
            next.setInt(2, limit);
            try (ResultSet rs = next.executeQuery()) {
                while (rs.next()) {
                    n++;
                    row.setBytes(1, rs.getBytes(1));
                    try (ResultSet r = row.executeQuery()) {
                        r.next();
                    }
                }
            }
        }
        return n;
    }

    private static void touch(PreparedStatement lookup, long key, long at, long seq) throws SQLException {
        lookup.setLong(1, key);
        lookup.setLong(2, at);
        lookup.setLong(3, seq);
        try (ResultSet r = lookup.executeQuery()) {
            r.next();
        }
    }

    /**
     * Deletes up to {@code limit} pass-use records whose pass expired before {@code bound} and whose
     * scan is gone, soonest-expired first.
     */
    public static int deleteTokenUses(Connection c, long bound, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM token_use WHERE token_id IN (SELECT token_id FROM token_use u WHERE expires_at < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM scan_log s WHERE s.seq = u.scan_seq)"
                        + " ORDER BY expires_at LIMIT ?)")) {
            ps.setLong(1, bound);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    private static long n(Long v) {
        return v == null ? 0 : v;
    }
}
