package org.entrylog.web;

import org.entrylog.common.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.entrylog.common.ApiException;
import org.entrylog.store.StoreException;
import org.entrylog.store.StoreUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The HTTP side: every route with who may call it, the security headers, and where exceptions
 * become responses, as {@link ErrorMapper} decides (no stack trace or SQL reaches a client).
 */
public final class WebServer {
    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    /**
     * Pages load scripts and styles only from this server, so injected markup cannot run
     * (docs/threat-model.md T16); {@code data:} images carry the pass QR; nothing may frame the pages.
     * {@code 'wasm-unsafe-eval'} lets the scanner compile the QR decoder's WebAssembly (served
     * from /assets/vendor, so still only our own code); it allows no JavaScript eval.
     */
    public static final String CSP = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: data:; "
            + "connect-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    /**
     * Who may call a route. Each role has one {@link Authenticator}, which runs before the route's
     * handler and hands it the caller as a {@link Principal}; a new role is a value here and its
     * authenticator in the map given to {@link #create}.
     */
    public enum Role { ANYONE, VISITOR, DEVICE, OFFICIAL, VENUE_OWNER }

    /**
     * One route: method, path, who may call it, and the handler; optionally a {@code throttle} run
     * before authentication, for a limit that must hold whether or not the credentials are good.
     *
     * <p>Most routes have one role. A route for several ({@link #Route(String, String, Set, Handler)},
     * e.g. a venue's occupancy for its DEVICE or its VENUE_OWNER) admits a caller any of their
     * authenticators admits, tried in the order given, and its handler tells them apart by the type of
     * the {@link Principal}. ANYONE and OFFICIAL stand alone: ANYONE would make the others moot, and an
     * OFFICIAL refusal is audited, which a caller of another role must not cause.
     */
    public record Route(String method, String path, Set<Role> roles, Handler handler, Handler throttle) {
        public Route {
            roles = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(roles));
            if (roles.isEmpty() || roles.size() > 1 && (roles.contains(Role.ANYONE) || roles.contains(Role.OFFICIAL))) {
                throw new IllegalArgumentException("The route " + method + " " + path + " has the roles " + roles
                        + ": ANYONE and OFFICIAL stand alone");
            }
        }

        public Route(String method, String path, Role role, Handler handler) {
            this(method, path, Set.of(role), handler, null);
        }

        /** A route any of these roles may call (in the order given, which is the order they are tried). */
        public Route(String method, String path, Set<Role> roles, Handler handler) {
            this(method, path, roles, handler, null);
        }

        /** The route's one role; a route of several roles has none (read {@link #roles()}). */
        public Role role() {
            if (roles.size() != 1) {
                throw new IllegalStateException(method + " " + path + " has the roles " + roles);
            }
            return roles.iterator().next();
        }

        /** This route with a throttle run before its authenticator. */
        public Route throttledBy(Handler first) {
            return new Route(method, path, roles, handler, first);
        }
    }

    private WebServer() {}

    /**
     * Builds an unstarted Javalin with the given routes, each behind the authenticator of its role.
     * A route whose role has no authenticator stops the start: it would otherwise be open to anyone.
     */
    public static Javalin create(Iterable<Route> routes, Map<Role, Authenticator> authenticators, int port,
                                 Tls.Material tls, Metrics metrics, Consumer<io.javalin.config.JavalinConfig> extra) {
        return create(routes, authenticators, port, tls, metrics, new ClientAddress(java.util.Set.of()), true, extra);
    }

    /**
     * The same, counting requests in progress per client as {@code address} finds it, at most
     * {@link EdgeHandler#MAX_IN_FLIGHT_PER_CLIENT} each unless {@code limitPerClient} is false.
     */
    public static Javalin create(Iterable<Route> routes, Map<Role, Authenticator> authenticators, int port,
                                 Tls.Material tls, Metrics metrics, ClientAddress address, boolean limitPerClient,
                                 Consumer<io.javalin.config.JavalinConfig> extra) {
        for (Route r : routes) {
            for (Role role : r.roles()) {
                if (authenticators.get(role) == null) {
                    throw new IllegalStateException("The route " + r.method() + " " + r.path() + " is for " + role
                            + ", which has no authenticator");
                }
            }
        }
        return Javalin.create(config -> {
            config.jetty.addConnector((server, http) -> connector(server, http, port, tls));
            config.startup.showJavalinBanner = false;
            config.http.maxRequestSize = 1024 * 1024;
            config.http.generateEtags = false;
            if (WebServer.class.getResource("/public/assets") != null) {
                config.staticFiles.add(sf -> {
                    sf.hostedPath = "/assets";
                    sf.directory = "/public/assets";
                    sf.location = Location.CLASSPATH;
                    sf.headers = Map.of("Cache-Control", "no-cache");
                });
            }
            config.routes.before(WebServer::securityHeaders);
            config.routes.before(WebServer::requestId);
            config.routes.before(metrics::requestStarted);
            config.routes.after(metrics::requestFinished);
            config.routes.after(WebServer::requestDone);
            config.routes.after(WebServer::drainUnreadBody);
            config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // Javalin puts its servlet context inside a wrapper it finds here: every request meets it first
                server.setHandler(new EdgeHandler(address, limitPerClient));
            });
            Methods methods = new Methods(routes);
            for (Route r : routes) {
                Authenticator authenticator = anyOf(r.roles().stream().map(authenticators::get).toList());
                Handler h = ctx -> {
                    ctx.attribute(Metrics.ROUTE, r.path());
                    requireJsonBody(ctx);
                    if (r.throttle() != null) {
                        r.throttle().handle(ctx);
                    }
                    ctx.attribute(Principal.ATTRIBUTE, authenticator.authenticate(ctx, r));
                    r.handler().handle(ctx);
                };
                switch (r.method()) {
                    case "GET" -> config.routes.get(r.path(), h);
                    case "POST" -> config.routes.post(r.path(), h);
                    case "DELETE" -> config.routes.delete(r.path(), h);
                    default -> throw new IllegalArgumentException(r.method());
                }
            }
            config.routes.exception(ApiException.class, (e, ctx) -> respond(ctx, ErrorMapper.of(e)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, ErrorMapper.of(e)));
            config.routes.exception(StoreException.class, (e, ctx) -> {
                if (!(e instanceof StoreUnavailable)) { // busy or full: a refusal to retry, alarmed by the write queue
                    LOG.error("storage failure on {} {}: {}", ctx.method(), (Object) ctx.attribute(Metrics.ROUTE),
                            e.getMessage());
                }
                respond(ctx, ErrorMapper.of(e));
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected failure on {} {}", ctx.method(), (Object) ctx.attribute(Metrics.ROUTE), e);
                respond(ctx, ErrorMapper.of(e));
            });
            config.routes.error(404, ctx -> {
                if (ctx.attribute(Metrics.ROUTE) == null) { // no route matched: a known path with another method?
                    java.util.Set<String> allowed = methods.of(ctx.path());
                    if (!allowed.isEmpty()) {
                        respond(ctx, ErrorMapper.methodNotAllowed(allowed));
                        return;
                    }
                }
                if (ctx.result() == null || ctx.result().isEmpty() || !"application/json".equals(ctx.contentType())) {
                    respond(ctx, ErrorMapper.of(ApiException.notFound()));
                }
            });
            config.routes.error(405, ctx -> respond(ctx, ErrorMapper.methodNotAllowed(methods.of(ctx.path()))));
            extra.accept(config);
        });
    }

    /**
     * The authenticator of a route of several roles: the first that admits the caller gives the
     * principal; when none does, the last refusal is the answer (the same 401 whatever the roles).
     */
    static Authenticator anyOf(java.util.List<Authenticator> each) {
        if (each.size() == 1) {
            return each.get(0);
        }
        return (ctx, route) -> {
            RuntimeException refused = null;
            for (Authenticator a : each) {
                try {
                    return a.authenticate(ctx, route);
                } catch (ApiException e) {
                    refused = e;
                }
            }
            throw refused;
        };
    }

    /**
     * The one listening connector: plain HTTP, or HTTPS with the given key material. A 30 s idle
     * timeout drops slow or stalled clients; the server does not announce its version.
     */
    private static Connector connector(Server server, HttpConfiguration http, int port, Tls.Material tls) {
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector c;
        if (tls == null) {
            c = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(tls.keyStore());
            ssl.setKeyStorePassword(new String(tls.password()));
            SecureRequestCustomizer src = new SecureRequestCustomizer();
            src.setSniHostCheck(false); // a self-signed certificate for localhost is reached by IP on a LAN
            http.addCustomizer(src);
            c = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
        }
        c.setPort(port);
        c.setIdleTimeout(30_000);
        return c;
    }

    /**
     * The methods of each path of the route table, so a known path called with another method is
     * answered 405 {@code method_not_allowed} with {@code Allow} (design.md §3), not 404.
     */
    static final class Methods {
        private final java.util.Map<java.util.regex.Pattern, java.util.Set<String>> byPath = new java.util.LinkedHashMap<>();

        Methods(Iterable<Route> routes) {
            java.util.Map<String, java.util.Set<String>> templates = new java.util.LinkedHashMap<>();
            for (Route r : routes) {
                templates.computeIfAbsent(r.path(), p -> new java.util.TreeSet<>()).add(r.method());
            }
            templates.forEach((template, m) -> byPath.put(java.util.regex.Pattern.compile(
                    java.util.Arrays.stream(template.split("/", -1))
                            .map(seg -> seg.matches("\\{\\w+}") ? "[^/]+" : java.util.regex.Pattern.quote(seg))
                            .collect(java.util.stream.Collectors.joining("/"))), java.util.Set.copyOf(m)));
        }

        /** The methods the route table has for this concrete path (empty when the path is unknown). */
        java.util.Set<String> of(String path) {
            java.util.Set<String> out = new java.util.TreeSet<>();
            byPath.forEach((pattern, m) -> {
                if (pattern.matcher(path).matches()) {
                    out.addAll(m);
                }
            });
            return out;
        }
    }

    /**
     * A request that carries a body must say it is JSON ({@code application/json}, a charset
     * parameter allowed): a {@code text/plain} or form body is 415 {@code unsupported_media_type}
     * before anything else runs. Such bodies are what a cross-site HTML form or a {@code no-cors}
     * fetch can send without a preflight, so refusing them keeps other sites from posting to the API
     * (docs/threat-model.md T13). Checked before authentication: nothing is read or written for it.
     */
    static void requireJsonBody(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        boolean body = length > 0 || (length < 0 && ctx.header("Transfer-Encoding") != null);
        if (body && !isJson(ctx.header("Content-Type"))) {
            throw new ApiException(org.entrylog.common.ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "The request body must be JSON, sent with Content-Type: application/json.");
        }
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    /** Largest body a refused request is read to the end for (see {@link #drainUnreadBody}). */
    private static final int DRAIN_LIMIT = 1024 * 1024;

    /**
     * A request refused before its body was read (401, 413, 429, any early refusal) leaves the body
     * unread, and Jetty then closes the kept-alive connection after answering. A client that has
     * already sent its next request on that connection (java.net.http does) gets a closed socket
     * instead of an answer (found by fuzzing). Reading the rest of a body that declared up to 1 MiB
     * (or no size) keeps the connection usable; a larger body is not read, and its connection closes.
     */
    private static void drainUnreadBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared == 0 || declared > DRAIN_LIMIT) {
            return;
        }
        try {
            java.io.InputStream in = ctx.req().getInputStream();
            long left = DRAIN_LIMIT;
            byte[] buf = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException ignored) {
            // the client went away or the body was already consumed: nothing to drain
        }
    }

    /**
     * Errors Jetty answers by itself, before a request reaches the routes (a malformed URI, a bad
     * header): JSON like every other error of the API, never Jetty's HTML page.
     */
    static final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                                        int code, String message, Throwable cause, org.eclipse.jetty.util.Callback callback) {
            ErrorMapper.Answer e = ErrorMapper.ofStatus(code);
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONTENT_TYPE, "application/json");
            e.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            // Jetty drops the connection after some of these (a NUL in the path): say so, or a client
            // that keeps connections alive sends its next request into a closed socket
            response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close");
            response.write(true, java.nio.ByteBuffer.wrap(Json.write(e.body()).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8)), callback);
        }
    }

    static void respond(Context ctx, ErrorMapper.Answer e) {
        e.headers().forEach(ctx::header);
        Http.json(ctx, e.status(), e.body());
    }

    /**
     * A request id for the log lines of this request and the {@code X-Request-Id} header: the
     * client's own when it is a short plain token, else a fresh one.
     */
    private static void requestId(Context ctx) {
        String given = ctx.header("X-Request-Id");
        String id = given != null && given.matches("[A-Za-z0-9._-]{1,64}") ? given
                : Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        MDC.put("requestId", id);
        ctx.header("X-Request-Id", id);
    }

    /** One line per request at DEBUG (route template, never the concrete path); 5xx at WARN. */
    private static void requestDone(Context ctx) {
        String route = ctx.attribute(Metrics.ROUTE);
        int status = ctx.statusCode();
        if (status >= 500) {
            LOG.warn("{} {} -> {}", ctx.method(), route == null ? "unmatched" : route, status);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {}", ctx.method(), route == null ? "unmatched" : route, status);
        }
        MDC.remove("requestId");
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Permissions-Policy", "camera=(self), microphone=(), geolocation=()");
        if (ctx.path().startsWith("/api/")) {
            ctx.header("Cache-Control", "no-store");
        }
    }

    /** A handler that serves a file bundled in the jar; 404 {@code not_found} when it is not there. */
    public static Handler resource(String path, String contentType) {
        return classpathFile(path, contentType, ctx -> respond(ctx, ErrorMapper.of(ApiException.notFound())));
    }

    /** A handler that serves one page of the UI bundled at {@code /public/<name>}. */
    public static Handler page(String name) {
        return bundled(name, "text/html; charset=utf-8");
    }

    /** A handler that serves a file of the UI bundled at {@code /public/<name>}. */
    public static Handler bundled(String name, String contentType) {
        return classpathFile("/public/" + name, contentType, ctx -> ctx.status(404).contentType("text/plain; charset=utf-8")
                .result("The pages were not built into this jar (scanner-ui). The API is at /api."));
    }

    /** Reads the file once, when the route is made, instead of from the jar on every request. */
    private static Handler classpathFile(String path, String contentType, Handler missing) {
        byte[] bytes;
        try (InputStream in = WebServer.class.getResourceAsStream(path)) {
            bytes = in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + " from the jar", e);
        }
        return ctx -> {
            if (bytes == null) {
                missing.handle(ctx);
                return;
            }
            ctx.header("Cache-Control", "no-cache");
            ctx.contentType(contentType).result(bytes);
        };
    }
}
