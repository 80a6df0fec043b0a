package org.entrylog.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator: {@code clients} threads, each sending its next request as soon as
 * the previous one is answered. Requests answered during the warm-up are not counted; the
 * measurement window then runs for a fixed time. Every loop is bounded by a count and a deadline.
 */
final class Load {
    /** One request of one client; returns the HTTP status. {@code i} counts that client's requests from 0. */
    @FunctionalInterface
    interface Call {
        int call(int client, int i) throws Exception;
    }

    /** What one run measured. Latencies are in nanoseconds, sorted. */
    record Result(long ok, long failed, double seconds, long[] latencies, Map<Integer, Long> statuses,
                  boolean exhausted, long all) {
        double rate() {
            return ok / seconds;
        }

        double millis(double q) {
            return Stats.quantile(latencies, q) / 1e6;
        }
    }

    private Load() {}

    static Result run(int clients, Duration warmup, Duration measure, int maxPerClient, int okStatus, Call call)
            throws InterruptedException {
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long until = from + measure.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        List<long[]> lat = new ArrayList<>();
        int[] counts = new int[clients];
        boolean[] exhausted = new boolean[1];
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            long[] mine = new long[maxPerClient];
            lat.add(mine);
            int client = t;
            Thread th = new Thread(() -> {
                int n = 0;
                int i = 0;
                for (; i < maxPerClient; i++) {
                    long t0 = System.nanoTime();
                    if (t0 >= until) {
                        break;
                    }
                    int status;
                    try {
                        status = call.call(client, i);
                    } catch (Exception e) {
                        status = -1;
                    }
                    long t1 = System.nanoTime();
                    answered.incrementAndGet();
                    if (t0 >= from && t1 <= until) {
                        statuses.merge(status, 1L, Long::sum);
                        if (status == okStatus) {
                            ok.incrementAndGet();
                            mine[n++] = t1 - t0;
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }
                if (i == maxPerClient) {
                    exhausted[0] = true;
                }
                counts[client] = n;
            }, "load-" + t);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(warmup.plus(measure).toMillis() + 60_000);
        }
        int total = 0;
        for (int c : counts) {
            total += c;
        }
        long[] all = new long[total];
        int k = 0;
        for (int t = 0; t < clients; t++) {
            System.arraycopy(lat.get(t), 0, all, k, counts[t]);
            k += counts[t];
        }
        java.util.Arrays.sort(all);
        return new Result(ok.get(), failed.get(), measure.toNanos() / 1e9, all, new TreeMap<>(statuses), exhausted[0], answered.get());
    }
}
