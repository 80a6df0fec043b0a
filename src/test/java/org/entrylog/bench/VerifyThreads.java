package org.entrylog.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.entrylog.common.Ids;
import org.entrylog.pass.PassCodec;
import org.entrylog.pass.SigningKeys;

/**
 * Benchmark (not a test): the CPU one pass verification costs ({@code PassCodec.verify}: Ed25519 with
 * BouncyCastle, the AES-CTR pseudonym, parsing), by thread CPU time, on one thread and on as many
 * threads as a scan load keeps busy (issue 18: a floor under the CPU a scan costs). Distinct passes,
 * as at a door. Three rounds each; the last two are warm.
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) org.entrylog.bench.VerifyThreads [threads=1,2,32] [perThread=20000]
 * </pre>
 */
public final class VerifyThreads {
    public static void main(String[] args) throws Exception {
        String[] counts = (args.length > 0 ? args[0] : "1,2,32").split(",");
        int perThread = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("entrylog-verify");
        SigningKeys keys = SigningKeys.openOrCreate(dir, Clock.systemUTC());
        PassCodec codec = new PassCodec(keys, PassCodec.pseudonymKey(dir));
        String[] tokens = new String[4096];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = codec.issue(Ids.newId(), Instant.now(), 3600);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (String count : counts) {
            int threads = Integer.parseInt(count.strip());
            for (int round = 1; round <= 3; round++) {
                long[] cpu = new long[threads];
                Thread[] ts = new Thread[threads];
                int n = Math.max(1000, perThread / threads);
                long t0 = System.nanoTime();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    ts[t] = new Thread(() -> {
                        long c0 = mx.getCurrentThreadCpuTime();
                        for (int i = 0; i < n; i++) {
                            codec.verify(tokens[(i * 31 + id) & (tokens.length - 1)]);
                        }
                        cpu[id] = mx.getCurrentThreadCpuTime() - c0;
                    });
                    ts[t].start();
                }
                for (Thread t : ts) {
                    t.join();
                }
                long wall = System.nanoTime() - t0;
                long sum = 0;
                for (long c : cpu) {
                    sum += c;
                }
                System.out.printf("threads %2d round %d: %.1f µs of CPU per verification, %.0f verifications/s%n",
                        threads, round, sum / 1e3 / ((double) n * threads), (double) n * threads * 1e9 / wall);
            }
        }
        Bench.deleteTree(dir);
    }
}
