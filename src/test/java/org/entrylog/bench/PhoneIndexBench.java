package org.entrylog.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.entrylog.common.Ids;
import org.entrylog.common.Json;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.visitor.PhoneHasher;

/**
 * What the phone index costs (issue 14 item 4): one guess (HMAC then Argon2id, what an attacker
 * holding the data folder must compute per candidate number) on one thread, the old HMAC-only
 * guess for comparison, and registrations per second over real HTTP with 8 clients (rate limits
 * off), each registration computing one hash. Run:
 * {@code mvn -B -q -o test-compile && java -Xmx1g -cp target/classes:target/test-classes:$(cat cp.txt)
 * org.entrylog.bench.PhoneIndexBench} (cp.txt from {@code mvn dependency:build-classpath}).
 */
public final class PhoneIndexBench {
    private PhoneIndexBench() {}

    public static void main(String[] args) throws Exception {
        PhoneHasher hasher = new PhoneHasher(Ids.randomBytes(32));
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB; " + hasher + ", concurrency "
                + hasher.concurrency());

        // the old index: HMAC-SHA256 alone
        long n = 0;
        long t0 = System.nanoTime();
        long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        while (System.nanoTime() - t0 < 3_000_000_000L) {
            hasher.hmac("+8210" + (10_000_000 + n++ % 90_000_000));
        }
        double hmacPerCpuSecond = n / ((java.lang.management.ManagementFactory.getThreadMXBean()
                .getCurrentThreadCpuTime() - c0) / 1e9);
        System.out.printf("HMAC-only guesses: %.0f per CPU-second (one core)%n", hmacPerCpuSecond);

        // one guess now, single thread
        for (int i = 0; i < 3; i++) {
            hasher.hash("+821000000" + String.format("%03d", i));
        }
        // wall time depends on what else the machine runs; the thread's CPU time is the core-time a guess costs
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[20];
        double[] cpu = new double[20];
        for (int i = 0; i < ms.length; i++) {
            long a = System.nanoTime();
            long c = mx.getCurrentThreadCpuTime();
            hasher.hash("+8210" + (12345678 + i));
            cpu[i] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
            ms[i] = (System.nanoTime() - a) / 1e6;
        }
        Arrays.sort(ms);
        Arrays.sort(cpu);
        double median = cpu[cpu.length / 2];
        double perCoreSecond = 1000 / median;
        double yearsFor010 = 1e8 / perCoreSecond / 86400 / 365.25;
        System.out.printf("one guess (%s): CPU time median %.1f ms (min %.1f, max %.1f); wall time median %.1f ms"
                + " → %.1f guesses per second per core; the 010 range (10^8 numbers) takes %.2f core-years%n",
                hasher, median, cpu[0], cpu[cpu.length - 1], ms[ms.length / 2], perCoreSecond, yearsFor010);

        // registrations per second over real HTTP
        Path dir = Files.createTempDirectory("entrylog-phone-bench");
        try (TestApp t = new TestApp(dir, new MutableClock(java.time.Instant.now()),
                Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
            HttpClient http = HttpClient.newHttpClient();
            AtomicLong done = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            int clients = 8;
            long seconds = args.length > 0 ? Long.parseLong(args[0]) : 20;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            long start = System.nanoTime();
            Future<?>[] f = new Future<?>[clients];
            for (int c = 0; c < clients; c++) {
                int client = c;
                f[c] = pool.submit(() -> {
                    int i = 0;
                    while (System.nanoTime() < end) {
                        String body = Json.write(Map.of("name", "Bench", "phone",
                                String.format("010-%04d-%04d", 1000 + client, i++ % 10000)));
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        (r.statusCode() == 201 ? done : refused).incrementAndGet();
                    }
                    return null;
                });
            }
            for (Future<?> x : f) {
                x.get();
            }
            pool.shutdown();
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("registrations over HTTP, %d clients, %.0f s: %.1f per second (%d refused)%n",
                    clients, elapsed, done.get() / elapsed, refused.get());
        }
        Bench.deleteTree(dir);
    }
}
