package org.entrylog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.sqlite.SQLiteConfig;

/**
 * The disk's raw rate of durable single-row SQLite commits: a plain JDBC loop, WAL mode,
 * {@code synchronous=FULL}, one INSERT per transaction, in the folder the server writes to. This
 * is the yardstick the ingest rate is compared with.
 */
final class RawCommits {
    record Result(double commitsPerSecond, double p50Millis, double p99Millis) {}

    private RawCommits() {}

    /** One durable single-row commit. */
    @FunctionalInterface
    interface Commit {
        void run() throws Exception;
    }

    static Result measure(Path dir, Duration time, int maxCommits) throws Exception {
        return measure(dir, time, maxCommits, Duration.ZERO);
    }

    /**
     * The same with a pause of {@code gap} before each commit, not counted: a commit that comes on
     * its own, as an official's audit entry does, waits longer for its sync on this VM than one of a
     * back-to-back run (issue 18, BENCHMARKS "Session 8").
     */
    static Result measure(Path dir, Duration time, int maxCommits, Duration gap) throws Exception {
        Path file = dir.resolve("raw-commits.db");
        Files.deleteIfExists(file);
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        Result r;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, cfg.toProperties())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            }
            byte[] row = new byte[100];
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO t(v) VALUES (?)")) {
                r = loop(time, maxCommits, gap, () -> {
                    ps.setBytes(1, row);
                    ps.executeUpdate(); // autocommit: one transaction, one WAL fsync
                });
            }
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(dir.resolve("raw-commits.db" + suffix));
        }
        return r;
    }

    /** Runs {@code commit} back to back for {@code time} (at most {@code maxCommits} times): its rate and latencies. */
    static Result loop(Duration time, int maxCommits, Commit commit) throws Exception {
        return loop(time, maxCommits, Duration.ZERO, commit);
    }

    /** The same, pausing {@code gap} before each commit (the rate then counts the pauses too). */
    static Result loop(Duration time, int maxCommits, Duration gap, Commit commit) throws Exception {
        long[] lat = new long[maxCommits];
        int n = 0;
        long start = System.nanoTime();
        long until = start + time.toNanos();
        long t0 = start;
        while (n < maxCommits && t0 < until) {
            if (!gap.isZero()) {
                Thread.sleep(gap.toMillis(), gap.toNanosPart() % 1_000_000);
                t0 = System.nanoTime();
            }
            commit.run();
            long t1 = System.nanoTime();
            lat[n++] = t1 - t0;
            t0 = t1;
        }
        double secs = (t0 - start) / 1e9;
        long[] sorted = Stats.sorted(java.util.Arrays.copyOf(lat, n));
        return new Result(n / secs, Stats.quantile(sorted, 0.5) / 1e6, Stats.quantile(sorted, 0.99) / 1e6);
    }
}
