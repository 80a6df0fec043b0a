package org.entrylog.web;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler a request meets, in front of Javalin: what must hold before any route runs.
 *
 * <p><b>Slow bodies hold no worker</b> (docs/threat-model.md T41). Javalin reads a body with a
 * blocking read, so a request that sends its body one byte every few seconds used to hold a
 * worker thread for as long as it liked: 250 such connections filled the pool and nobody, venues
 * included, was answered (issue 14 item 1). Here a body of up to {@link #MAX_BUFFERED} bytes is read
 * <em>asynchronously</em> (Jetty parks the connection, no thread waits), and only a complete body
 * is handed to a worker and to Javalin. It must arrive within {@link #BODY_GRACE_MILLIS} plus one
 * second per {@link #MIN_BYTES_PER_SECOND} bytes declared (a minimum data rate, as Jetty's
 * {@code HttpConfiguration.setMinRequestDataRate} would apply to blocking servlet reads), else it
 * is answered 408 and the connection closed. A larger declared body is left to Javalin, which
 * refuses it (413) without reading it.
 *
 * <p><b>Requests at once per client</b>: at most {@link #MAX_IN_FLIGHT_PER_CLIENT} requests of one
 * client address ({@link ClientAddress}: IPv6 by /64) are in progress at a time, body reading
 * included; beyond, 429 {@code rate_limited} with {@code Retry-After} at once, so one client cannot
 * hold the server's memory or connections for everyone. Both refusals are logged once per
 * offending address (never any body), not per request.
 *
 * <p>{@code X-HTTP-Method-Override} is removed. Javalin's {@code Context.method()} believes it, so
 * a plain POST carrying {@code X-HTTP-Method-Override: DELETE} reached {@code DELETE} routes (a
 * cross-site form could sign an official out); the method is the request line's, nothing else
 * (docs/threat-model.md T13).
 */
final class EdgeHandler extends Handler.Wrapper {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeHandler.class);
    static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";
    /** Bodies up to this size are read before a worker takes the request (the server's request limit). */
    static final int MAX_BUFFERED = 1024 * 1024;
    /** Time any body has to arrive, whatever its size. */
    static final long BODY_GRACE_MILLIS = 10_000;
    /** Beyond the grace, the slowest a body may arrive: 1 KiB/s (a poor mobile link does 10 times that). */
    static final long MIN_BYTES_PER_SECOND = 1024;
    /** Requests one client address may have in progress at once. */
    static final int MAX_IN_FLIGHT_PER_CLIENT = 32;
    /** Offending addresses remembered so each is logged once; past this many the memory starts afresh. */
    private static final int MAX_LOGGED = 10_000;

    private final ClientAddress address;
    private final int maxInFlight;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Set<String> loggedBusy = ConcurrentHashMap.newKeySet();
    private final Set<String> loggedSlow = ConcurrentHashMap.newKeySet();

    /** {@code limitPerClient} false ({@code ENTRYLOG_RATE_LIMITS=off}, load tests) lifts the cap on requests at once. */
    EdgeHandler(ClientAddress address, boolean limitPerClient) {
        this.address = address;
        this.maxInFlight = limitPerClient ? MAX_IN_FLIGHT_PER_CLIENT : Integer.MAX_VALUE;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().contains(METHOD_OVERRIDE)) {
            request = withoutHeader(request, METHOD_OVERRIDE);
        }
        Request req = request;
        String client = address.of(Request.getRemoteAddr(req), name -> req.getHeaders().get(name));
        if (!enter(client)) {
            onceFor(loggedBusy, client, () -> LOG.warn("client {} has more than {} requests in progress at once;"
                    + " further ones are refused with 429 (logged once per address)", client, MAX_IN_FLIGHT_PER_CLIENT));
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            Response.writeError(req, response, callback, 429);
            return true;
        }
        Callback done = leaving(client, callback);
        long length = req.getLength();
        boolean body = length > 0 || (length < 0 && req.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
        if (!body || length > MAX_BUFFERED) {
            boolean handled;
            try {
                handled = super.handle(req, response, done);
            } catch (Throwable x) {
                leave(client);
                throw x;
            }
            if (!handled) {
                leave(client);
            }
            return handled;
        }
        readThenHandle(req, response, done, client, length);
        return true;
    }

    /**
     * Reads the whole body without a thread waiting, then hands the request on with it. A body that
     * came with the headers (a scan's does: a few hundred bytes in the same packets) is complete at
     * once and is handed on by this thread, with no deadline set: setting and cancelling a timer and
     * passing the request to another worker cost every single scan a thread switch (issue 18).
     */
    private void readThenHandle(Request req, Response response, Callback done, String client, long length) {
        java.util.concurrent.CompletableFuture<byte[]> body = Content.Source.asByteArrayAsync(req, MAX_BUFFERED);
        if (body.isDone()) {
            boolean failed = body.isCompletedExceptionally();
            handleRead(req, response, done, length, failed ? null : body.join(), failed);
            return;
        }
        long deadline = BODY_GRACE_MILLIS + (length > 0 ? length : MAX_BUFFERED) * 1000 / MIN_BYTES_PER_SECOND;
        AtomicBoolean settled = new AtomicBoolean();
        Scheduler.Task timeout = req.getComponents().getScheduler().schedule(() -> {
            if (settled.compareAndSet(false, true)) {
                onceFor(loggedSlow, client, () -> LOG.warn("a request body from {} did not arrive within {} ms;"
                        + " answered 408 and closed (logged once per address)", client, deadline));
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                Response.writeError(req, response, done, 408);
            }
        }, deadline, TimeUnit.MILLISECONDS);
        body.whenCompleteAsync((bytes, failure) -> {
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            timeout.cancel();
            handleRead(req, response, done, length, bytes, failure != null);
        }, req.getComponents().getExecutor());
    }

    /** The body read in full (or its reading failed: too large, or the client went away): on to Javalin. */
    private void handleRead(Request req, Response response, Callback done, long length, byte[] bytes, boolean failed) {
        if (failed) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            Response.writeError(req, response, done, length < 0 ? 413 : 400);
            return;
        }
        Request buffered = new BufferedRequest(req, bytes);
        try {
            if (!super.handle(buffered, response, done)) {
                Response.writeError(buffered, response, done, 404);
            }
        } catch (Throwable x) {
            done.failed(x);
        }
    }

    private boolean enter(String client) {
        boolean[] entered = {false};
        inFlight.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxInFlight) {
                return n;
            }
            entered[0] = true;
            return now + 1;
        });
        return entered[0];
    }

    private void leave(String client) {
        inFlight.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The callback of a request that, however it ends, counts its client out. */
    private Callback leaving(String client, Callback callback) {
        AtomicBoolean left = new AtomicBoolean();
        return new Callback() {
            @Override
            public void succeeded() {
                if (left.compareAndSet(false, true)) {
                    leave(client);
                }
                callback.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                if (left.compareAndSet(false, true)) {
                    leave(client);
                }
                callback.failed(x);
            }

            @Override
            public Invocable.InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        };
    }

    private static void onceFor(Set<String> logged, String client, Runnable log) {
        if (logged.size() >= MAX_LOGGED) {
            logged.clear();
        }
        if (logged.add(client)) {
            log.run();
        }
    }

    private static Request withoutHeader(Request request, String name) {
        HttpFields headers = HttpFields.build(request.getHeaders()).remove(name).asImmutable();
        return new Request.Wrapper(request) {
            @Override
            public HttpFields getHeaders() {
                return headers;
            }
        };
    }

    /** A request whose body has been read in full: its content comes from memory. */
    private static final class BufferedRequest extends Request.Wrapper {
        private final Content.Source content;

        BufferedRequest(Request request, byte[] body) {
            super(request);
            this.content = Content.Source.from(ByteBuffer.wrap(body));
        }

        @Override
        public Content.Chunk read() {
            return content.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            content.demand(demandCallback);
        }

        @Override
        public void fail(Throwable failure) {
            content.fail(failure);
        }

        @Override
        public boolean consumeAvailable() {
            Content.Chunk c;
            while ((c = content.read()) != null && !c.isLast()) {
                c.release();
            }
            if (c != null) {
                c.release();
            }
            return true;
        }
    }
}
