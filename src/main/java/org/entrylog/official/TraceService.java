package org.entrylog.official;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.store.Database;

/**
 * The two official queries: a venue's visits in a time window, and a case trace.
 *
 * <p>A trace finds every visitor row with the case's phone hash (a registration and any number of
 * manual entries), lists their scans between {@code from} and {@code to}, and finds the contacts:
 * other visitors who, at the same venue,
 * <ol>
 *   <li>were scanned {@code in} within {@code windowMinutes} (inclusive) of any scan of the case
 *       there, in or out; or</li>
 *   <li>were present while the case was: their presence overlaps the case's (closed intervals).</li>
 * </ol>
 * A presence is a stay from an {@code in} to the same visitor's next scan at that venue when that
 * scan is an {@code out} no more than {@link #MAX_STAY} later; an {@code in} without such an
 * {@code out}, and an {@code out} without its {@code in}, are presences of one instant. One contact
 * row is reported per matching presence, at the time it began. The case's own visitor rows are
 * never contacts.
 *
 * <p>All SQL reads ranges of an index: the case's scans by {@code scan_log_visitor_time}, the
 * venue's scans around them by {@code scan_log_venue_time}.
 */
public final class TraceService {
    /** An {@code out} further than this from its {@code in} does not close a stay (a forgotten check-out). */
    public static final Duration MAX_STAY = Duration.ofHours(12);

    /** An answer and the visitors it concerns (for the audit log). */
    public record Answer(Map<String, Object> body, List<byte[]> visitorIds) {}

    private record Scan(long seq, long visitorId, long venueId, long at, int direction) {}

    /** A presence of one visitor at one venue: [start, end], begun by the scan {@code first}. */
    private record Presence(long visitorId, long start, long end, Scan first) {}

    private record Venue(byte[] publicId, String name) {}

    private final Database db;

    public TraceService(Database db) {
        this.db = db;
    }

    /** {@code GET /api/venues/{venueId}/visits}: every scan at the venue in [from, to]; 404 for an unknown venue. */
    public Answer venueVisits(byte[] venuePublicId, long from, long to) {
        return db.read(c -> {
            long venueId;
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM venue WHERE public_id = ?")) {
                ps.setBytes(1, venuePublicId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw ApiException.notFound();
                    }
                    venueId = rs.getLong(1);
                }
            }
            List<Map<String, Object>> visits = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            List<byte[]> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT s.scan_id, v.public_id, s.scanned_at, s.direction, v.sealed_identity"
                            + " FROM scan_log s JOIN visitor v ON v.id = s.visitor_id"
                            + " WHERE s.venue_id = ? AND s.scanned_at >= ? AND s.scanned_at <= ?"
                            + " ORDER BY s.scanned_at, s.seq")) {
                ps.setLong(1, venueId);
                ps.setLong(2, from);
                ps.setLong(3, to);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] visitor = rs.getBytes(2);
                        String visitorId = Ids.encode(visitor);
                        if (seen.add(visitorId)) {
                            ids.add(visitor);
                        }
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("scanId", Ids.encode(rs.getBytes(1)));
                        m.put("visitorId", visitorId);
                        m.put("scannedAt", Instant.ofEpochMilli(rs.getLong(3)).toString());
                        m.put("direction", direction(rs.getInt(4)));
                        m.put("sealedIdentity", Ids.encode(rs.getBytes(5)));
                        visits.add(m);
                    }
                }
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("visits", visits);
            return new Answer(body, ids);
        });
    }

    /**
     * {@code POST /api/traces}. {@code notBefore} is the retention cut-off: no scan older than it
     * is read, even around the window's edges.
     */
    public Answer trace(String caseRef, byte[] phoneHash, long from, long to, long windowMillis, long notBefore) {
        return db.read(c -> {
            Map<Long, byte[]> caseVisitors = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, public_id FROM visitor WHERE phone_hash = ?")) {
                ps.setBytes(1, phoneHash);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        caseVisitors.put(rs.getLong(1), rs.getBytes(2));
                    }
                }
            }
            List<Scan> caseScans = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, visitor_id, venue_id, scanned_at, direction FROM scan_log"
                            + " WHERE visitor_id = ? AND scanned_at >= ? AND scanned_at <= ? ORDER BY scanned_at, seq")) {
                for (long id : caseVisitors.keySet()) {
                    ps.setLong(1, id);
                    ps.setLong(2, Math.max(from, notBefore));
                    ps.setLong(3, to);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            caseScans.add(scan(rs));
                        }
                    }
                }
            }
            caseScans.sort(Comparator.comparingLong(Scan::at).thenComparingLong(Scan::seq));
            Map<Long, Venue> venues = new HashMap<>();
            List<Map<String, Object>> visits = new ArrayList<>();
            Map<Long, List<Scan>> caseByVenue = new TreeMap<>();
            for (Scan s : caseScans) {
                Venue v = venue(c, venues, s.venueId());
                visits.add(visitJson(v, s));
                caseByVenue.computeIfAbsent(s.venueId(), k -> new ArrayList<>()).add(s);
            }
            List<Map<String, Object>> contacts = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            List<byte[]> ids = new ArrayList<>(caseVisitors.values());
            caseVisitors.values().forEach(id -> seen.add(Ids.encode(id)));
            long pad = Math.max(windowMillis, MAX_STAY.toMillis());
            List<Object[]> found = new ArrayList<>();
            for (var e : caseByVenue.entrySet()) {
                List<Scan> mine = e.getValue();
                List<Presence> minePresences = presences(mine);
                Venue venue = venues.get(e.getKey());
                for (long[] range : ranges(minePresences, pad, notBefore)) {
                    Map<Long, List<Scan>> others = new LinkedHashMap<>();
                    Map<Long, byte[][]> identities = new HashMap<>();
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT s.seq, s.visitor_id, s.venue_id, s.scanned_at, s.direction, v.public_id, v.sealed_identity"
                                    + " FROM scan_log s JOIN visitor v ON v.id = s.visitor_id"
                                    + " WHERE s.venue_id = ? AND s.scanned_at >= ? AND s.scanned_at <= ?"
                                    + " ORDER BY s.scanned_at, s.seq")) {
                        ps.setLong(1, e.getKey());
                        ps.setLong(2, range[0]);
                        ps.setLong(3, range[1]);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                Scan s = scan(rs);
                                if (caseVisitors.containsKey(s.visitorId())) {
                                    continue;
                                }
                                others.computeIfAbsent(s.visitorId(), k -> new ArrayList<>()).add(s);
                                identities.putIfAbsent(s.visitorId(), new byte[][] {rs.getBytes(6), rs.getBytes(7)});
                            }
                        }
                    }
                    for (var o : others.entrySet()) {
                        for (Presence p : presences(o.getValue())) {
                            if (isContact(p, mine, minePresences, windowMillis)) {
                                byte[][] ident = identities.get(o.getKey());
                                found.add(new Object[] {p, venue, ident});
                            }
                        }
                    }
                }
            }
            found.sort(Comparator.comparingLong((Object[] f) -> ((Presence) f[0]).start())
                    .thenComparingLong(f -> ((Presence) f[0]).first().seq()));
            for (Object[] f : found) {
                Presence p = (Presence) f[0];
                Venue venue = (Venue) f[1];
                byte[][] ident = (byte[][]) f[2];
                String visitorId = Ids.encode(ident[0]);
                if (seen.add(visitorId)) {
                    ids.add(ident[0]);
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("visitorId", visitorId);
                m.put("venueId", Ids.encode(venue.publicId()));
                m.put("venueName", venue.name());
                m.put("scannedAt", Instant.ofEpochMilli(p.start()).toString());
                m.put("sealedIdentity", Ids.encode(ident[1]));
                contacts.add(m);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("caseRef", caseRef);
            body.put("visits", visits);
            body.put("contacts", contacts);
            return new Answer(body, ids);
        });
    }

    private static boolean isContact(Presence p, List<Scan> caseScans, List<Presence> casePresences, long window) {
        if (p.first().direction() == 0) {
            for (Scan c : caseScans) {
                if (Math.abs(p.start() - c.at()) <= window) {
                    return true;
                }
            }
        }
        for (Presence c : casePresences) {
            if (p.start() <= c.end() && c.start() <= p.end()) {
                return true;
            }
        }
        return false;
    }

    /** Pairs one venue's scans (time order, any visitors) into presences, visitor by visitor. */
    static List<Presence> presences(List<Scan> scans) {
        Map<Long, Scan> open = new LinkedHashMap<>();
        List<Presence> out = new ArrayList<>();
        for (Scan s : scans) {
            Scan pending = open.remove(s.visitorId());
            if (s.direction() == 0) {
                if (pending != null) {
                    out.add(new Presence(pending.visitorId(), pending.at(), pending.at(), pending));
                }
                open.put(s.visitorId(), s);
            } else if (pending != null && s.at() - pending.at() <= MAX_STAY.toMillis()) {
                out.add(new Presence(s.visitorId(), pending.at(), s.at(), pending));
            } else {
                if (pending != null) {
                    out.add(new Presence(pending.visitorId(), pending.at(), pending.at(), pending));
                }
                out.add(new Presence(s.visitorId(), s.at(), s.at(), s));
            }
        }
        for (Scan pending : open.values()) {
            out.add(new Presence(pending.visitorId(), pending.at(), pending.at(), pending));
        }
        return out;
    }

    /** The time ranges to read around the case's presences, merged, and never before the retention cut-off. */
    private static List<long[]> ranges(List<Presence> presences, long pad, long notBefore) {
        List<long[]> raw = new ArrayList<>();
        for (Presence p : presences) {
            raw.add(new long[] {Math.max(notBefore, p.start() - pad), p.end() + pad});
        }
        raw.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : raw) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r);
            }
        }
        return merged;
    }

    private static Scan scan(ResultSet rs) throws SQLException {
        return new Scan(rs.getLong("seq"), rs.getLong("visitor_id"), rs.getLong("venue_id"), rs.getLong("scanned_at"),
                rs.getInt("direction"));
    }

    private static Venue venue(Connection c, Map<Long, Venue> cache, long id) throws SQLException {
        Venue v = cache.get(id);
        if (v == null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT public_id, name FROM venue WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    v = new Venue(rs.getBytes(1), rs.getString(2));
                }
            }
            cache.put(id, v);
        }
        return v;
    }

    private static Map<String, Object> visitJson(Venue v, Scan s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("venueId", Ids.encode(v.publicId()));
        m.put("venueName", v.name());
        m.put("scannedAt", Instant.ofEpochMilli(s.at()).toString());
        m.put("direction", direction(s.direction()));
        return m;
    }

    static String direction(int d) {
        return d == 1 ? "out" : "in";
    }
}
