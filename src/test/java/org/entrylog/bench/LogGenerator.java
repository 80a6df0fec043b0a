package org.entrylog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.entrylog.common.Ids;
import org.entrylog.chain.ChainHash;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.scan.Source;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
import org.entrylog.store.Database;
import org.entrylog.visitor.PhoneHasher;
import org.entrylog.visitor.PhoneNumbers;
import org.entrylog.common.Json;

/**
 * A national-scale scan log made with direct bulk SQL: {@code rows} scans over the last 28 days,
 * 420 per venue (15 a day, as 1.5 M a day over 100,000 venues), one visitor per 10 scans, with a
 * valid hash chain and chain head, so {@code verify} passes and the server opens it as its own.
 * 50 "case" visitors with known phone numbers get 20 scans each, for traces.
 *
 * <p>Only the generation runs with {@code synchronous=OFF}, in large transactions, with the
 * scan_log indexes dropped and rebuilt afterwards; the server opens the file with its own settings.
 * The folder is kept (under target/) and reused when a finished one of the same size is there.
 */
final class LogGenerator {
    static final String PASSWORD = "correct horse battery staple";
    static final String OFFICIAL = "bench";
    static final int CASES = 50;
    static final int SCANS_PER_CASE = 20;
    private static final String META = "bench-generated.json";

    /** What the harness needs to query the generated log. */
    record Meta(long rows, long generatedAt, int venues, long visitors, List<String> venueIds, List<String> casePhones,
                double generationSeconds, double indexSeconds, long fileBytes, double scanBytesPerRow) {}

    private LogGenerator() {}

    static Meta ensure(Path dir, long rows) throws Exception {
        return ensure(dir, rows, null);
    }

    /**
     * As above, or, when {@code databaseUrl} is not null, into that (new, empty) PostgreSQL database,
     * always generated afresh: batched inserts with the indexes in place, the day partitions made first.
     */
    static Meta ensure(Path dir, long rows, String databaseUrl) throws Exception {
        Path meta = dir.resolve(META);
        if (databaseUrl == null && Files.exists(meta)) {
            JsonNode m = Json.MAPPER.readTree(meta.toFile());
            if (m.path("rows").asLong() == rows) {
                return Json.MAPPER.treeToValue(m, Meta.class);
            }
        }
        Bench.deleteTree(dir);
        Files.createDirectories(dir);
        Meta made = generate(dir, rows, databaseUrl);
        Files.writeString(meta, Json.write(made));
        return made;
    }

    private static Meta generate(Path dir, long rows, String databaseUrl) throws Exception {
        boolean pg = databaseUrl != null;
        Clock clock = Clock.systemUTC();
        try (Database db = Database.open(dir, databaseUrl, false)) {
            new OfficialAccounts(db, new Passwords(), clock).add(OFFICIAL, PASSWORD);
        }
        PhoneHasher hasher = PhoneHasher.forDataDir(dir);
        PhoneNumbers phones = new PhoneNumbers("KR");
        int venues = (int) Math.max(100, rows / 420);
        long visitors = Math.max(1000, rows / 10);
        long now = clock.millis();
        long start = now - Duration.ofDays(28).toMillis() + Duration.ofHours(1).toMillis();
        long span = now - start;
        SplittableRandom rnd = new SplittableRandom(42);
        long t0 = System.nanoTime();
        List<String> venueIds = new ArrayList<>();
        List<String> casePhones = new ArrayList<>();
        double indexSeconds;
        org.sqlite.SQLiteConfig lite = new org.sqlite.SQLiteConfig();
        lite.setGetGeneratedKeys(false); // else sqlite-jdbc prepares "SELECT last_insert_rowid()" after every INSERT
        try (Connection c = pg ? DriverManager.getConnection(databaseUrl + "&reWriteBatchedInserts=true")
                : DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME), lite.toProperties())) {
            List<String> indexes = new ArrayList<>();
            if (pg) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET synchronous_commit = off"); // generation only
                }
                try (PreparedStatement day = c.prepareStatement("SELECT scan_log_day(?)")) {
                    for (long at = start; at < now + Duration.ofDays(1).toMillis(); at += Duration.ofDays(1).toMillis()) {
                        day.setLong(1, Math.min(at, now));
                        day.executeQuery().close();
                    }
                }
            } else try (Statement s = c.createStatement()) {
                s.execute("PRAGMA synchronous = OFF"); // generation only: the server opens with FULL
                s.execute("PRAGMA cache_size = -1000000");
                s.execute("PRAGMA temp_store = MEMORY");
                s.execute("PRAGMA threads = 2"); // CREATE INDEX may sort on the second core
                // No journal while generating (every page would be written twice, to the WAL and then the
                // file: 70 GB at 200 M rows); WAL again at the end, as the server requires
                s.execute("PRAGMA journal_mode = DELETE");
                s.execute("PRAGMA journal_mode = OFF");
            }
            if (!pg) try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
                         + " AND tbl_name IN ('scan_log', 'visitor') AND sql IS NOT NULL AND name <> 'scan_log_time'")) {
                // scan_log_time stays: rows are made in time order, so it only ever grows at its end
                while (rs.next()) {
                    indexes.add(rs.getString(2));
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : indexes) {
                    s.execute("DROP INDEX " + sql.split("\\s+")[2]);
                }
            }
            try (PreparedStatement v = c.prepareStatement("INSERT INTO venue(id, public_id, name, enrollment_code_hash,"
                    + " created_at) VALUES (?,?,?,?,?)");
                 PreparedStatement d = c.prepareStatement("INSERT INTO device(id, public_id, venue_id, secret_hash,"
                         + " enrolled_at) VALUES (?,?,?,?,?)")) {
                for (int i = 1; i <= venues; i++) {
                    byte[] publicId = bytes(rnd, 16);
                    if (venueIds.size() < 2000) {
                        venueIds.add(Ids.encode(publicId));
                    }
                    v.setLong(1, i);
                    v.setBytes(2, publicId);
                    v.setString(3, "Venue " + i);
                    v.setBytes(4, bytes(rnd, 32));
                    v.setLong(5, start);
                    v.executeUpdate();
                    d.setLong(1, i);
                    d.setBytes(2, bytes(rnd, 16));
                    d.setLong(3, i);
                    d.setBytes(4, bytes(rnd, 32));
                    d.setLong(5, start);
                    d.executeUpdate();
                }
            }
            try (PreparedStatement v = c.prepareStatement("INSERT INTO visitor(id, public_id, sealed_identity,"
                    + " phone_hash, secret_hash, created_at, last_active_at) VALUES (?,?,?,?,?,?,?)")) {
                for (long i = 1; i <= visitors + CASES; i++) {
                    byte[] phoneHash;
                    if (i > visitors) {
                        String phone = String.format("010-5555-%04d", i - visitors);
                        casePhones.add(phone);
                        phoneHash = hasher.hash(phones.normalise(phone).orElseThrow());
                    } else {
                        phoneHash = bytes(rnd, 32);
                    }
                    v.setLong(1, i);
                    // random, but made in ascending order so the UNIQUE index on it (which cannot be dropped
                    // while generating) grows at its end: 20 M random inserts into it took most of an hour
                    byte[] publicId = bytes(rnd, 16);
                    java.nio.ByteBuffer.wrap(publicId).putInt(0, (int) (i * (0xFFFF_FFFFL / (visitors + CASES + 1))));
                    v.setBytes(2, publicId);
                    v.setBytes(3, bytes(rnd, 100)); // the size of an HPKE-sealed {"name","phone"}
                    v.setBytes(4, phoneHash);
                    v.setBytes(5, bytes(rnd, 32));
                    v.setLong(6, start);
                    v.setLong(7, now + Duration.ofHours(1).toMillis());
                    v.executeUpdate();
                }
            }
            c.commit();
            long caseEvery = Math.max(1, rows / ((long) CASES * SCANS_PER_CASE));
            byte[] prev = ChainHash.GENESIS;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO scan_log(seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at,"
                            + " device_time, direction, source, prev_hash, companions) VALUES (?,?,?,?,?,?,?,NULL,?,0,?,0)")) {
                for (long seq = 1; seq <= rows; seq++) {
                    long at = start + (long) ((double) (seq - 1) * span / rows);
                    long venue = 1 + rnd.nextInt(venues);
                    long visitor = seq % caseEvery == 0 ? visitors + 1 + (seq / caseEvery) % CASES
                            : 1 + rnd.nextLong(visitors);
                    int direction = rnd.nextInt(100) < 15 ? 1 : 0;
                    long received = at + rnd.nextInt(3000);
                    ScanStore.Entry e = new ScanStore.Entry(bytes(rnd, 16), venue, venue, visitor, at, received, null,
                            Direction.of(direction), Source.PASS);
                    ps.setLong(1, seq);
                    ps.setBytes(2, e.scanId());
                    ps.setLong(3, venue);
                    ps.setLong(4, venue);
                    ps.setLong(5, visitor);
                    ps.setLong(6, at);
                    ps.setLong(7, received);
                    ps.setInt(8, direction);
                    ps.setBytes(9, prev);
                    if (pg) {
                        ps.addBatch();
                        if (seq % 1000 == 0 || seq == rows) {
                            ps.executeBatch();
                        }
                    } else {
                        ps.executeUpdate();
                    }
                    prev = ScanStore.rowHash(seq, e, prev);
                    if (seq % 1_000_000 == 0 && !pg || seq % 100_000 == 0 && pg) {
                        c.commit();
                        System.out.printf("  generated %,d of %,d scans in %.0f s%n", seq, rows,
                                (System.nanoTime() - t0) / 1e9);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE chain_head SET entries = ?, head = ? WHERE log = ?")) {
                ps.setLong(1, rows);
                ps.setBytes(2, prev);
                ps.setString(3, ScanStore.NAME);
                ps.executeUpdate();
            }
            c.commit();
            long i0 = System.nanoTime();
            try (Statement s = c.createStatement()) {
                for (String sql : indexes) {
                    s.execute(sql);
                }
            }
            c.commit();
            indexSeconds = (System.nanoTime() - i0) / 1e9;
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                if (pg) {
                    for (String t : List.of("venue", "device", "visitor")) {
                        s.execute("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), (SELECT max(id) FROM " + t + "))");
                    }
                    s.execute("ANALYZE");
                } else {
                    s.execute("PRAGMA journal_mode = WAL");
                }
            }
        }
        if (pg) {
            double secsPg = (System.nanoTime() - t0) / 1e9;
            try (Connection c = DriverManager.getConnection(databaseUrl); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database()),"
                         + " (SELECT sum(pg_total_relation_size(i.inhrelid)) FROM pg_inherits i"
                         + " WHERE i.inhparent = 'scan_log'::regclass)")) {
                rs.next();
                return new Meta(rows, now, venues, visitors, venueIds, casePhones, secsPg, indexSeconds,
                        rs.getLong(1), (double) rs.getLong(2) / rows);
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long scanBytes;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Database.FILE_NAME));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(pgsize) FROM dbstat WHERE name IN ('scan_log',"
                     + " 'scan_log_venue_time', 'scan_log_visitor_time', 'scan_log_time')")) {
            scanBytes = rs.getLong(1);
        }
        return new Meta(rows, now, venues, visitors, venueIds, casePhones, secs, indexSeconds,
                Files.size(dir.resolve(Database.FILE_NAME)), (double) scanBytes / rows);
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i += 8) {
            long v = rnd.nextLong();
            for (int k = 0; k < 8 && i + k < n; k++) {
                b[i + k] = (byte) (v >>> (8 * k));
            }
        }
        return b;
    }

    /** EXPLAIN QUERY PLAN of a statement, one line per step. */
    static String plan(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            StringBuilder b = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    b.append(b.length() == 0 ? "" : "; ").append(rs.getString("detail"));
                }
            }
            return b.toString();
        }
    }
}
