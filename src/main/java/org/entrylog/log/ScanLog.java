package org.entrylog.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Appends to {@code scan_log}. Runs on the writer's connection, inside its transaction: the row
 * and the new chain head are written together or not at all.
 */
public final class ScanLog {
    public static final String NAME = "scan_log";

    /** One row as appended; ids are internal keys. */
    public record Entry(byte[] scanId, long venueId, long deviceId, long visitorId, long scannedAt,
                        long receivedAt, Long deviceTime, int direction, int source) {}

    private ScanLog() {}

    /** Appends the entry, links it to the chain, and returns its {@code seq}. */
    public static long append(Connection c, Entry e) throws SQLException {
        ChainHead head = ChainHead.read(c, NAME);
        // The position is given, not left to SQLite's max(rowid) + 1: once a purge has deleted the
        // newest rows (late offline scans can be the oldest), that would hand a purged row's seq to a
        // new scan, and a token_use row of the purged scan would then point at someone else's visit.
        long seq = head.entries() + 1;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO scan_log(seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at,"
                        + " device_time, direction, source, prev_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setLong(1, seq);
            ps.setBytes(2, e.scanId());
            ps.setLong(3, e.venueId());
            ps.setLong(4, e.deviceId());
            ps.setLong(5, e.visitorId());
            ps.setLong(6, e.scannedAt());
            ps.setLong(7, e.receivedAt());
            if (e.deviceTime() == null) {
                ps.setNull(8, java.sql.Types.INTEGER);
            } else {
                ps.setLong(8, e.deviceTime());
            }
            ps.setInt(9, e.direction());
            ps.setInt(10, e.source());
            ps.setBytes(11, head.hash());
            ps.executeUpdate();
        }
        ChainHead.advance(c, NAME, rowHash(seq, e, head.hash()));
        return seq;
    }

    /** The hash of a row over all its columns, in table order. */
    public static byte[] rowHash(long seq, Entry e, byte[] prevHash) {
        return new ChainHash(NAME)
                .integer(seq)
                .blob(e.scanId())
                .integer(e.venueId())
                .integer(e.deviceId())
                .integer(e.visitorId())
                .integer(e.scannedAt())
                .integer(e.receivedAt())
                .integer(e.deviceTime())
                .integer(e.direction())
                .integer(e.source())
                .blob(prevHash)
                .digest();
    }

    /** Reads a row back as an entry (for verification). */
    static Entry entry(ResultSet rs) throws SQLException {
        long deviceTime = rs.getLong("device_time");
        Long dt = rs.wasNull() ? null : deviceTime;
        return new Entry(rs.getBytes("scan_id"), rs.getLong("venue_id"), rs.getLong("device_id"),
                rs.getLong("visitor_id"), rs.getLong("scanned_at"), rs.getLong("received_at"), dt,
                rs.getInt("direction"), rs.getInt("source"));
    }
}
