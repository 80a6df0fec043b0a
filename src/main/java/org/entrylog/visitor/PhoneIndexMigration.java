package org.entrylog.visitor;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts phone-index rows of version 1 (HMAC-SHA256) to version 2 (Argon2id over that HMAC),
 * at start-up, before the server answers: a trace must find every row of a number. Rows go in
 * batches; each row is rewritten only if it is still version 1 ({@code WHERE phone_hash_version = 1}),
 * in the same statement that marks it version 2, so a crash at any point leaves every row either
 * wholly old or wholly new, and running again (or beside another server) converts only what is
 * left. Hashes are computed outside the write, as many at once as the hasher allows.
 */
public final class PhoneIndexMigration {
    private static final Logger LOG = LoggerFactory.getLogger(PhoneIndexMigration.class);
    private static final int BATCH = 64;

    private final Database db;
    private final WriteQueue writes;
    private final PhoneHasher hasher;

    public PhoneIndexMigration(Database db, WriteQueue writes, PhoneHasher hasher) {
        this.db = db;
        this.writes = writes;
        this.hasher = hasher;
    }

    private record Row(long id, byte[] hmac) {}

    /** Converts every version-1 row; answers how many this run converted. */
    public long run() {
        long left = db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM visitor WHERE phone_hash_version = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
        if (left == 0) {
            return 0;
        }
        LOG.info("phone index: converting {} rows from HMAC to Argon2id (one Argon2id each)", left);
        ExecutorService pool = Executors.newFixedThreadPool(hasher.concurrency(), r -> {
            Thread t = new Thread(r, "entrylog-phone-index");
            t.setDaemon(true);
            return t;
        });
        long converted = 0;
        long after = 0;
        try {
            while (true) {
                long from = after;
                List<Row> rows = db.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement("SELECT id, phone_hash FROM visitor"
                            + " WHERE phone_hash_version = 1 AND id > ? ORDER BY id LIMIT " + BATCH)) {
                        ps.setLong(1, from);
                        try (ResultSet rs = ps.executeQuery()) {
                            List<Row> out = new ArrayList<>();
                            while (rs.next()) {
                                out.add(new Row(rs.getLong(1), rs.getBytes(2)));
                            }
                            return out;
                        }
                    }
                });
                if (rows.isEmpty()) {
                    break;
                }
                List<Future<byte[]>> hashes = new ArrayList<>();
                for (Row r : rows) {
                    hashes.add(pool.submit(() -> hasher.strengthen(r.hmac())));
                }
                List<byte[]> strong = new ArrayList<>();
                for (Future<byte[]> f : hashes) {
                    strong.add(f.get());
                }
                int n = writes.execute(c -> {
                    int done = 0;
                    try (PreparedStatement ps = c.prepareStatement("UPDATE visitor SET phone_hash = ?,"
                            + " phone_hash_version = 2 WHERE id = ? AND phone_hash_version = 1 AND phone_hash = ?")) {
                        for (int i = 0; i < rows.size(); i++) {
                            ps.setBytes(1, strong.get(i));
                            ps.setLong(2, rows.get(i).id());
                            ps.setBytes(3, rows.get(i).hmac());
                            done += ps.executeUpdate();
                        }
                    }
                    return done;
                });
                converted += n;
                after = rows.get(rows.size() - 1).id();
                LOG.info("phone index: {} of {} rows converted", converted, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("phone index conversion interrupted; it resumes at the next start", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("phone index conversion failed; it resumes at the next start", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return converted;
    }
}
