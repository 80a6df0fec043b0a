package org.entrylog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.entrylog.chain.ChainHash;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.Direction;
import org.entrylog.scan.ScanStore;
import org.entrylog.scan.Source;
import org.entrylog.retention.PurgeResult;
import org.entrylog.retention.Purger;
import org.entrylog.retention.RetentionPolicy;
import org.entrylog.store.Database;
import org.entrylog.store.WriteQueue;

/**
 * Benchmark (not a test): purging one day of a national-scale log while scans keep being written.
 *
 * <p>Builds, once, a database holding one day of {@code perDay} scans (the day to purge) and
 * {@code daysAfter} following days, each scan with its {@code token_use} row, one visitor per three
 * scans, and 0.5 % of each following day's scans arriving late from offline tablets with a scan time
 * in the previous day (so the purge also cuts the chain in the middle). Rows are inserted with SQL in
 * large transactions, with real chain hashes. Then, for each run, on a fresh copy of that file: a
 * {@link WriteQueue} and a server-mode {@link Purger}, and a probe thread appending single scans
 * through the queue back to back (each durable, {@code synchronous=FULL}) and timing each. Reports the
 * purge's duration and the probe's longest wait during it, against its longest wait before it.
 *
 * <pre>
 * mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) org.entrylog.bench.PurgeBench \
 *      /tmp/entrylog-bench [runs=3] [perDay=1500000] [daysAfter=2]
 * # or, on a log made by the queries workload, purge where it lies as of HOURS after its generation:
 * java … org.entrylog.bench.PurgeBench inplace DIR [hours=24]
 * # -Dentrylog.bench.baseline=SECONDS: the probe alone first (default 3), its long waits listed as the
 * #   purge's are; -Dentrylog.bench.verify=false: stop after the purge (a verify of 200 M rows takes 15 min);
 * # ENTRYLOG_LOG_LEVEL=DEBUG: the writer logs every batch over 100 ms, its tasks' time and its commit's.
 * </pre>
 */
public final class PurgeBench {
    private static final Instant DAY0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("inplace")) {
            // A log made by LogGenerator (workloads=queries): its oldest day purged where it lies, as the
            // hourly job would a day after the generation. Destroys that day: run it last.
            Path dir = Path.of(args[1]);
            // as of this many hours after the generation (default 24: the oldest day; more reach into the next)
            int hours = args.length > 2 ? Integer.parseInt(args[2]) : 24;
            long generatedAt = org.entrylog.common.Json.MAPPER.readTree(dir.resolve("bench-generated.json").toFile())
                    .path("generatedAt").asLong();
            System.out.println("in place: " + run(dir, Instant.ofEpochMilli(generatedAt).plus(Duration.ofHours(hours))));
            return;
        }
        Path root = Path.of(args.length > 0 ? args[0] : "/tmp/entrylog-bench");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int perDay = args.length > 2 ? Integer.parseInt(args[2]) : 1_500_000;
        int daysAfter = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Path template = root.resolve("template-" + perDay + "x" + (1 + daysAfter));
        if (!Files.exists(template.resolve("done"))) {
            build(template, perDay, daysAfter);
        }
        System.out.printf("template: %s, %.0f MB%n", template, Files.size(template.resolve(Database.FILE_NAME)) / 1e6);
        List<String> lines = new ArrayList<>();
        for (int r = 1; r <= runs; r++) {
            Path dir = root.resolve("run");
            deleteFolder(dir);
            Files.createDirectories(dir);
            Files.copy(template.resolve(Database.FILE_NAME), dir.resolve(Database.FILE_NAME),
                    StandardCopyOption.REPLACE_EXISTING);
            String line = run(dir, DAY0.plus(Duration.ofDays(1 + 28))); // cut-off = the start of day 1
            System.out.println("run " + r + ": " + line);
            lines.add(line);
        }
        System.out.println("---");
        lines.forEach(System.out::println);
    }

    private static String run(Path dir, Instant asOf) throws Exception {
        try (Database db = Database.open(dir)) {
            WriteQueue writes = new WriteQueue(db).start();
            Purger purger = new Purger(db, Purger.queued(writes), RetentionPolicy.ofDays(28),
                    Clock.fixed(asOf, ZoneOffset.UTC), Purger.RunBy.SERVER,
                    Integer.getInteger("entrylog.purge.chunk", Purger.DEFAULT_CHUNK));
            long sizeBefore = Files.size(db.file());
            Probe probe = new Probe(writes, asOf);
            Thread t = new Thread(probe, "probe");
            // the baseline: the probe alone, with the writer's checkpoints as small as during the purge, so
            // what the disk does to a durable write without any purge is set beside what the purge adds
            long baseline = Long.getLong("entrylog.bench.baseline", 3);
            try (Database.Held small = db.checkpoints(Database.Checkpoints.SMALL)) {
                probe.start = System.nanoTime();
                t.start();
                Thread.sleep(baseline * 1000);
                probe.mark(); // what came before is the baseline
            }
            String before = String.format("baseline, %d s, probe alone: %d writes, median %.1f ms, p99 %.1f ms, max"
                    + " %.1f ms; %s", baseline, probe.before.length(), probe.before.pct(0.5), probe.before.pct(0.99),
                    probe.before.max(), Probe.longWaits(probe.longBefore, "the baseline"));
            System.out.println(before);
            long t0 = System.nanoTime();
            probe.start = t0;
            System.out.println("purge begins at " + Instant.now() + " (the log's timestamps)");
            Thread progress = new Thread(() -> {
                try {
                    while (true) {
                        Thread.sleep(60_000);
                        System.out.printf("  %.0f s: probe writes %d, max wait %.1f ms, p99 %.1f ms%n",
                                (System.nanoTime() - t0) / 1e9, probe.during.length(), probe.during.max(),
                                probe.during.pct(0.99));
                    }
                } catch (InterruptedException e) {
                    // the purge is over
                }
            }, "progress");
            progress.setDaemon(true);
            progress.start();
            PurgeResult r = purger.purge(asOf, Duration.ZERO);
            long purgeMs = (System.nanoTime() - t0) / 1_000_000;
            probe.mark();
            progress.interrupt();
            Thread.sleep(1000);
            probe.stop.set(true);
            t.join();
            writes.close();
            // the purge's figures first: on a 200 M-row log the verification after it takes a long time
            String purged = String.format("purge %d ms (%d scans, %d visitors, %d token uses); probe writes during purge"
                            + " %d, max wait %.1f ms, p99 %.1f ms, median %.1f ms; before purge max %.1f ms, median %.1f ms",
                    purgeMs, r.purgedScans(), r.purgedVisitors(), r.purgedTokenUses(), probe.during.length(),
                    probe.during.max(), probe.during.pct(0.99), probe.during.pct(0.5), probe.before.max(),
                    probe.before.pct(0.5));
            System.out.println(purged);
            System.out.println(Probe.longWaits(probe.long_, "the purge"));
            if (!Boolean.parseBoolean(System.getProperty("entrylog.bench.verify", "true"))) {
                return purged;
            }
            long v0 = System.nanoTime();
            LogVerifier.Result check = db.read(ScanStore::verify);
            long verifyMs = (System.nanoTime() - v0) / 1_000_000;
            return String.format("%s; file %.0f -> %.0f MB; verify ok=%s cuts=%d entries=%d in %d ms", purged,
                    sizeBefore / 1e6, Files.size(db.file()) / 1e6, check.ok(), check.purgeCuts(), check.entries(),
                    verifyMs);
        }
    }

    /** Appends one scan at a time through the write queue, as a tablet's scan would, timing each. */
    private static final class Probe implements Runnable {
        final WriteQueue writes;
        final long at;
        final AtomicBoolean stop = new AtomicBoolean();
        final Samples before = new Samples();
        final Samples during = new Samples();
        /** Waits during the purge over {@link #LONG_MS}: {seconds after the purge began, milliseconds}. */
        final List<double[]> long_ = java.util.Collections.synchronizedList(new ArrayList<>());
        /** The same before the purge: {seconds after the probe began, milliseconds}. */
        final List<double[]> longBefore = java.util.Collections.synchronizedList(new ArrayList<>());
        static final double LONG_MS = 50;
        volatile long start;
        volatile int phase;

        Probe(WriteQueue writes, Instant at) {
            this.writes = writes;
            this.at = at.toEpochMilli();
        }

        void mark() {
            phase++;
        }

        /** When the long waits came (to set beside the purge's log: its deletions, vacuum and checkpoint). */
        static String longWaits(List<double[]> waits, String when) {
            List<double[]> w;
            synchronized (waits) {
                w = new ArrayList<>(waits);
            }
            StringBuilder b = new StringBuilder(String.format("waits over %.0f ms during %s: %d (over 100 ms: %d)",
                    LONG_MS, when, w.size(), w.stream().filter(x -> x[1] > 100).count()));
            w.sort((x, y) -> Double.compare(y[1], x[1]));
            for (int i = 0; i < Math.min(20, w.size()); i++) {
                b.append(String.format(i == 0 ? "; longest at " : ", ")).append(String.format("%.0f ms at %.1f s",
                        w.get(i)[1], w.get(i)[0]));
            }
            return b.toString();
        }

        @Override
        public void run() {
            SecureRandom rnd = new SecureRandom();
            while (!stop.get()) {
                byte[] id = new byte[16];
                rnd.nextBytes(id);
                int p = phase;
                long s = System.nanoTime();
                writes.execute(c -> ScanStore.append(c, new ScanStore.Entry(id, 1, 1, 1, at, at, null, Direction.IN,
                        Source.PASS)));
                double ms = (System.nanoTime() - s) / 1e6;
                if (p == 0) {
                    before.add(ms);
                    if (ms > LONG_MS) {
                        longBefore.add(new double[] {(s - start) / 1e9, ms});
                    }
                } else if (p == 1 && phase == 1) {
                    during.add(ms);
                    if (ms > LONG_MS) {
                        long_.add(new double[] {(s - start) / 1e9, ms});
                    }
                }
            }
        }
    }

    private static final class Samples {
        private double[] v = new double[1024];
        private int n;

        synchronized void add(double x) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = x;
        }

        synchronized int length() {
            return n;
        }

        synchronized double max() {
            return n == 0 ? 0 : Arrays.stream(v, 0, n).max().getAsDouble();
        }

        synchronized double pct(double p) {
            if (n == 0) {
                return 0;
            }
            double[] s = Arrays.copyOf(v, n);
            Arrays.sort(s);
            return s[Math.min(n - 1, (int) Math.floor(p * n))];
        }
    }

    // ---- building the data set ----

    private static void build(Path dir, int perDay, int daysAfter) throws Exception {
        deleteFolder(dir);
        long t0 = System.nanoTime();
        SecureRandom rnd = new SecureRandom();
        try (Database db = Database.open(dir)) {
            Connection c = db.writer();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO venue(id, public_id, name, enrollment_code_hash, created_at)"
                        + " VALUES (1, randomblob(16), 'Bench venue', randomblob(32), 0)");
                s.execute("INSERT INTO device(id, public_id, venue_id, secret_hash, enrolled_at)"
                        + " VALUES (1, randomblob(16), 1, randomblob(32), 0)");
            }
            byte[] head = ChainHash.GENESIS;
            long seq = 0;
            long visitor = 0;
            for (int day = 0; day <= daysAfter; day++) {
                long dayStart = DAY0.toEpochMilli() + day * DAY_MS;
                int late = day == 0 ? 0 : perDay / 200;
                try (Statement s = c.createStatement()) {
                    s.execute("BEGIN IMMEDIATE");
                }
                try (PreparedStatement vis = c.prepareStatement(
                        "INSERT INTO visitor(id, public_id, sealed_identity, phone_hash, secret_hash, created_at,"
                                + " last_active_at) VALUES (?,?,?,?,?,?,?)");
                     PreparedStatement scan = c.prepareStatement(
                        "INSERT INTO scan_log(seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at,"
                                + " device_time, direction, source, prev_hash, companions) VALUES (?,?,1,1,?,?,?,NULL,0,0,?,0)");
                     PreparedStatement use = c.prepareStatement(
                        "INSERT INTO token_use(token_id, venue_id, scan_seq, expires_at) VALUES (?,1,?,?)")) {
                    for (int i = 0; i < perDay; i++) {
                        long received = dayStart + (long) ((double) i / perDay * DAY_MS);
                        boolean offline = i % 200 == 100 && late > 0;
                        long scanned = offline ? received - DAY_MS / 2 : received; // late: scanned in the day before
                        if (i % 3 == 0) {
                            visitor++;
                            vis.setLong(1, visitor);
                            vis.setBytes(2, bytes(rnd, 16));
                            vis.setBytes(3, bytes(rnd, 90));
                            vis.setBytes(4, bytes(rnd, 32));
                            vis.setBytes(5, bytes(rnd, 32));
                            vis.setLong(6, scanned - 60_000);
                            vis.setLong(7, scanned - 60_000 + 3_600_000);
                            vis.executeUpdate();
                        }
                        seq++;
                        byte[] scanId = bytes(rnd, 16);
                        scan.setLong(1, seq);
                        scan.setBytes(2, scanId);
                        scan.setLong(3, visitor);
                        scan.setLong(4, scanned);
                        scan.setLong(5, received);
                        scan.setBytes(6, head);
                        scan.executeUpdate();
                        head = ScanStore.rowHash(seq, new ScanStore.Entry(scanId, 1, 1, visitor, scanned, received, null,
                                Direction.IN, Source.PASS), head);
                        use.setBytes(1, bytes(rnd, 16));
                        use.setLong(2, seq);
                        use.setLong(3, scanned + 30_000);
                        use.executeUpdate();
                        if (i % 200_000 == 199_999) {
                            try (Statement s = c.createStatement()) {
                                s.execute("COMMIT");
                                s.execute("BEGIN IMMEDIATE");
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE chain_head SET entries = ?, head = ? WHERE log = 'scan_log'")) {
                    ps.setLong(1, seq);
                    ps.setBytes(2, head);
                    ps.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                System.out.printf("built day %d: %d scans so far, %.0f s%n", day, seq, (System.nanoTime() - t0) / 1e9);
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                rs.next();
            }
        }
        Files.writeString(dir.resolve("done"), "ok");
    }

    private static byte[] bytes(SecureRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static void deleteFolder(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
