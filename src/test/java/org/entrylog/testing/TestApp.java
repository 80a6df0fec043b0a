package org.entrylog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.Entrylog;
import org.entrylog.web.WebServer;
import org.entrylog.config.Config;
import org.entrylog.store.Database;
import org.entrylog.visitor.AuthorityKey;
import org.entrylog.common.Json;

/**
 * A real entrylog on a real store, on a free port, spoken to over real HTTP: a SQLite file in a temp
 * folder, or a fresh database on the harness's private PostgreSQL ({@link Postgres}). Time comes from
 * a {@link MutableClock} the test controls. A test class runs on both stores with {@link BothStores}.
 */
public final class TestApp implements AutoCloseable {
    /** The environment variable that points a server at PostgreSQL. */
    public static final String DATABASE_URL = "ENTRYLOG_DATABASE_URL";

    /** Where the server keeps its data. */
    public enum Store {
        /** The embedded SQLite file {@code entrylog.db} in the data folder (the default). */
        SQLITE,
        /** A database of its own on the test harness's PostgreSQL cluster ({@code ENTRYLOG_DATABASE_URL}). */
        POSTGRES;

        /** The statement that drops a trigger, as an attacker with write access to the store would. */
        public String dropTrigger(String trigger, String table) {
            return this == SQLITE ? "DROP TRIGGER " + trigger : "DROP TRIGGER " + trigger + " ON " + table;
        }

        /** A literal of bytes given in hex, in the store's SQL. */
        public String bytes(String hex) {
            return this == SQLITE ? "x'" + hex + "'" : "'\\x" + hex + "'::bytea";
        }
    }

    public final Store store;
    /** The JDBC URL of the store: the SQLite file, or the PostgreSQL database. */
    public final String databaseUrl;
    public final Path dataDir;
    public final MutableClock clock;
    public final Entrylog app;
    public final int port;
    public final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The answer to a request: status, parsed JSON body (or null), raw body and headers. */
    public record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {
        public String text(String field) {
            return json.path(field).asText();
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public TestApp(Path dataDir) {
        this(dataDir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of());
    }

    /** On SQLite, unless {@code env} names a database ({@value #DATABASE_URL}). */
    public TestApp(Path dataDir, MutableClock clock, Map<String, String> env) {
        this.dataDir = dataDir;
        this.clock = clock;
        this.store = env.containsKey(DATABASE_URL) ? Store.POSTGRES : Store.SQLITE;
        this.databaseUrl = databaseUrl(dataDir, env);
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("ENTRYLOG_DATA", dataDir.toString());
        e.putIfAbsent("ENTRYLOG_PORT", "0");
        this.app = Entrylog.open(Config.from(e), clock);
        try {
            if (store == Store.POSTGRES && count("SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')") == 0) {
                throw new AssertionError("the server did not create its tables in " + DATABASE_URL
                        + ": is it still on SQLite?");
            }
            this.port = app.start();
        } catch (RuntimeException | AssertionError x) {
            app.close();
            throw x;
        }
        this.base = "http://localhost:" + port;
    }

    /**
     * A server on {@code store}: on POSTGRES a fresh empty database of the harness (the test is
     * skipped when PostgreSQL is missing, and fails instead under {@code ENTRYLOG_TEST_REQUIRE_POSTGRES=1}).
     * A {@value #DATABASE_URL} already in {@code env} is kept (a second server on the same database).
     */
    public static TestApp on(Store store, Path dataDir, MutableClock clock, Map<String, String> env) {
        return new TestApp(dataDir, clock, envFor(store, env));
    }

    public static TestApp on(Store store, Path dataDir) {
        return on(store, dataDir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of());
    }

    /**
     * {@code env} for a server (or a command) on {@code store}: on POSTGRES with a fresh database
     * unless it already names one.
     */
    public static Map<String, String> envFor(Store store, Map<String, String> env) {
        Map<String, String> e = new HashMap<>(env);
        if (store == Store.POSTGRES && !e.containsKey(DATABASE_URL)) {
            Postgres.assumeAvailable();
            e.put(DATABASE_URL, Postgres.freshDatabase());
        }
        return e;
    }

    /**
     * Copies a data folder's keys ({@code keys/} and the development authority's key pair) to another,
     * so that a second server on the same database signs, checks and seals as the first does.
     */
    public static void copyKeys(Path from, Path to) {
        try {
            Path keys = from.resolve("keys");
            try (var files = Files.walk(keys)) {
                for (Path f : files.toList()) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            for (String pem : List.of(AuthorityKey.PUBLIC_FILE, AuthorityKey.PRIVATE_FILE)) {
                if (Files.exists(from.resolve(pem))) {
                    Files.copy(from.resolve(pem), to.resolve(pem), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The JDBC URL of the store of a server started with {@code env} on {@code dataDir}. */
    public static String databaseUrl(Path dataDir, Map<String, String> env) {
        String url = env.get(DATABASE_URL);
        if (url == null) {
            return "jdbc:sqlite:" + dataDir.resolve(Database.FILE_NAME);
        }
        return url.startsWith("jdbc:") ? url : "jdbc:" + url;
    }

    /** Opens the store of a server started with {@code env} on {@code dataDir}, as a command would. */
    public static Database openStore(Path dataDir, Map<String, String> env) {
        return Database.open(dataDir, env.getOrDefault(DATABASE_URL, ""), false);
    }

    /** This server's environment for a second server (or a command) on the same store. */
    public Map<String, String> sameStore() {
        return store == Store.POSTGRES ? Map.of(DATABASE_URL, databaseUrl) : Map.of();
    }

    public Response get(String path, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), bearer);
    }

    public Response post(String path, String body, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), bearer);
    }

    public Response postBytes(String path, byte[] body, String bearer) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), bearer);
    }

    public Response post(String path, Map<String, ?> body, String bearer) {
        return post(path, Json.write(body), bearer);
    }

    public Response send(HttpRequest.Builder b, String bearer) {
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = null;
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (ct.startsWith("application/json")) {
                json = Json.MAPPER.readTree(r.body());
            }
            return new Response(r.statusCode(), json, r.body(), r);
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /**
     * Calls a route of the table: each {@code {name}} of its path replaced by {@code params} (else by
     * a well-formed id that names nothing), an empty JSON object as the body of a POST, and the
     * given {@code Accept} header (null: none).
     */
    public Response call(WebServer.Route route, Map<String, String> params, String bearer, String accept) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(route.path());
        String path = m.replaceAll(g -> params.getOrDefault(g.group(1), "AAAAAAAAAAAAAAAAAAAAAA"));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (route.method().equals("POST")) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            b.method(route.method(), HttpRequest.BodyPublishers.noBody());
        }
        return send(b, bearer);
    }

    // ---- the usual steps of a flow ----

    /** A registered visitor: id and secret. */
    public record Visitor(String id, String secret) {}

    /** An enrolled tablet: id, secret and its venue. */
    public record Device(String id, String secret, String venueId) {}

    public Visitor register(String name, String phone) {
        Response r = post("/api/visitors", Map.of("name", name, "phone", phone), null);
        if (r.status() != 201) {
            throw new AssertionError("registration failed: " + r.body());
        }
        return new Visitor(r.text("visitorId"), r.text("secret"));
    }

    public String pass(Visitor v) {
        Response r = post("/api/visitors/" + v.id() + "/passes", "", v.secret());
        if (r.status() != 201) {
            throw new AssertionError("pass failed: " + r.body());
        }
        return r.text("token");
    }

    /** Adds a venue directly (as the `venue add` command does) and enrolls one tablet with it. */
    public Device venueWithDevice(String name) {
        var v = app.venues.add(name, null);
        return enroll(v.enrollmentCode());
    }

    public Device enroll(String code) {
        Response r = post("/api/devices", Map.of("enrollmentCode", code), null);
        if (r.status() != 201) {
            throw new AssertionError("enrollment failed: " + r.body());
        }
        return new Device(r.text("deviceId"), r.text("secret"), r.text("venueId"));
    }

    public Response scan(Device d, String token) {
        return post("/api/scans", Map.of("token", token), d.secret());
    }

    /**
     * A connection of its own on the store (the SQLite file or the PostgreSQL database), as an
     * operator or outside auditor with {@code sqlite3} or {@code psql} would have.
     */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(databaseUrl);
        if (store == Store.SQLITE) {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
            }
        }
        return c;
    }

    /** A direct read-only look at the store (the first column of the first row), as an outside auditor would take. */
    public long count(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            throw new RuntimeException(e);
        }
    }

    /**
     * Waits up to 10 s for {@link #count} of {@code sql} to reach {@code n} (something the server
     * writes after answering: sightings, checkpoints), then asserts it is exactly {@code n}.
     */
    public void awaitCount(String sql, long n) {
        await(() -> count(sql) >= n);
        org.junit.jupiter.api.Assertions.assertEquals(n, count(sql), sql);
    }

    /**
     * Polls {@code done} every 20 ms for up to 10 s, for what the server does after answering; the
     * caller asserts what it expects afterwards.
     */
    public static void await(java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits (up to {@code limit}) for the server's start-up purge round to have finished. */
    public void awaitStartupPurge(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (app.retentionJob().lastRun() == null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the start-up purge did not run");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
