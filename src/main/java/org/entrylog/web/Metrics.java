package org.entrylog.web;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Prometheus metrics through Micrometer, at {@code /metrics}: request latency by route (the route
 * template, never the concrete path, which holds visitor ids), scans by outcome and refusal
 * reason, passes issued, purges, database size and the age of the oldest entry. Nothing here
 * identifies a person.
 */
public final class Metrics implements AutoCloseable {
    private static final String START = "entrylog.request.start";
    static final String ROUTE = "entrylog.route";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter passes;
    /**
     * Listens to the JVM's collectors, which are the JVM's for its whole life: until {@link #close}
     * removes the listener, it keeps this registry, and through the gauges' suppliers the whole server,
     * from the collector (a test JVM that starts many servers kept them all, issue 18).
     */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        passes = Counter.builder("entrylog.passes.issued").description("Passes issued").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A scan's outcome: {@code accepted}, {@code duplicate}, or {@code refused} with the error code. */
    public void scan(String outcome, String reason) {
        String r = reason == null ? "" : reason;
        scanCounters.computeIfAbsent(outcome + "/" + r, k -> Counter.builder("entrylog.scans")
                .description("Scans by outcome and refusal reason").tag("outcome", outcome).tag("reason", r)
                .register(registry)).increment();
    }

    /** Request timers by method, route template and status, found once, like the scan counters. */
    private final java.util.Map<String, Timer> requestTimers = new java.util.concurrent.ConcurrentHashMap<>();

    /** Counters by outcome and reason, found once: the scan path should not build meter ids per request. */
    private final java.util.Map<String, Counter> scanCounters = new java.util.concurrent.ConcurrentHashMap<>();

    public void passIssued() {
        passes.increment();
    }

    /** A retention purge that finished, with what it removed. */
    public void purge(long scans, long visitors) {
        Counter.builder("entrylog.purges").description("Retention purges run").register(registry).increment();
        Counter.builder("entrylog.purged.scans").description("Scans removed by retention").register(registry)
                .increment(scans);
        Counter.builder("entrylog.purged.visitors").description("Identities destroyed by retention")
                .register(registry).increment(visitors);
    }

    /**
     * A counter kept by {@code owner}, read at scrape time. Micrometer holds the owner weakly: it must
     * live as long as the server (a lambda made here would be collected, and the counter read NaN).
     */
    public <T> void counter(String name, String description, T owner, java.util.function.ToDoubleFunction<T> total) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, owner, total).description(description)
                .register(registry);
    }

    /** A gauge read at scrape time. */
    public void gauge(String name, String description, String unit, Supplier<Number> value) {
        Gauge.builder(name, () -> {
            Number n = value.get();
            return n == null ? Double.NaN : n.doubleValue();
        }).description(description).baseUnit(unit).register(registry);
    }

    /**
     * The writer's batches as two timers: the time running a batch's tasks, and the time its
     * {@code COMMIT} took (the WAL's sync and any automatic checkpoint), the floor under every write's
     * answer (a scan, a registration, an official's audit entry). Bucketed from 100 µs, so that a
     * disk's sync time can be read from the scrape.
     */
    public org.entrylog.store.WriteQueue.Observer writeTimers() {
        Timer running = writeTimer("entrylog.write.batch.running", "Time running the tasks of a write batch");
        Timer committing = writeTimer("entrylog.write.batch.commit", "Time a write batch's COMMIT took (the WAL's"
                + " sync and any automatic checkpoint)");
        return (tasks, runningNanos, committingNanos) -> {
            running.record(runningNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            committing.record(committingNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        };
    }

    private Timer writeTimer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    void requestStarted(Context ctx) {
        ctx.attribute(START, System.nanoTime());
    }

    void requestFinished(Context ctx) {
        Long start = ctx.attribute(START);
        if (start == null) {
            return;
        }
        String route = ctx.attribute(ROUTE);
        if (route == null) {
            route = ctx.path().startsWith("/assets/") ? "/assets" : "unmatched";
        }
        String method = ctx.method().name();
        String r = route;
        String status = Integer.toString(ctx.statusCode());
        requestTimers.computeIfAbsent(method + " " + r + " " + status, k -> Timer.builder("http.server.requests")
                .description("HTTP requests by route").tag("method", method).tag("route", r).tag("status", status)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)).record(Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Work done once before each scrape, such as one read whose result several gauges show (a gauge
     * reads its value on its own, so each would otherwise repeat the read).
     */
    public void beforeScrape(Runnable r) {
        beforeScrape.add(r);
    }

    private final java.util.List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void scrape(Context ctx) {
        beforeScrape.forEach(Runnable::run);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }

    /** Stops listening to the JVM's collectors and closes the registry: nothing here outlives the server. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
