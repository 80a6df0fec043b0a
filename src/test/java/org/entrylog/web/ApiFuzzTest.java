package org.entrylog.web;

import org.entrylog.common.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.entrylog.common.Ids;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;

/**
 * Property-based fuzzing of every JSON body of the HTTP API on a real server (docs/threat-model.md T10–T14):
 * generated JSON-ish bodies — right and wrong fields, every JSON type, nesting, hostile strings,
 * valid passes, enrollment codes, times and phone numbers mixed in, then sometimes truncated,
 * spliced, duplicated or replaced by raw bytes — never get a 5xx, never a stack trace, an exception
 * name or SQL in the answer, every refusal is a JSON {@code {"error","message"}}, and no row is
 * written without a 2xx answer that accounts for it.
 */
@Tag("fuzz")
class ApiFuzzTest {
    private static final Set<String> CODES = Set.of("bad_request", "unauthorized", "forbidden", "not_found",
            "token_malformed", "token_bad_signature", "token_expired", "token_used_elsewhere", "payload_too_large",
            "rate_limited");
    private static final List<String> LEAKS = List.of("Exception", "SQL", "sqlite", "org.entrylog", "\tat ",
            "Caused by", "java.");

    private static Path dir;
    private static TestApp t;
    private static Visitor visitor;
    private static byte[] visitorPublicId;
    private static Device device;
    private static Device elsewhere;
    private static String code;
    private static final Map<String, Map<Integer, Long>> STATUSES = new ConcurrentHashMap<>();
    private static final AtomicLong CASES = new AtomicLong();
    private static String previous = "";

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("entrylog-apifuzz");
        t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_RATE_LIMITS", "off"));
        visitor = t.register("Fuzz Visitor", "01012345678");
        visitorPublicId = Ids.decode(visitor.id(), 16);
        device = t.venueWithDevice("Fuzz cafe");
        elsewhere = t.venueWithDevice("Other cafe");
        code = t.app.venues.add("Enrollment cafe", null).enrollmentCode();
    }

    @AfterContainer
    static void stop() throws Exception {
        t.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        System.out.println("api-fuzz: " + CASES.get() + " requests; statuses by endpoint: " + new TreeMap<>(STATUSES));
    }

    // ---- generators ----

    /** Strings a client might send: placeholders for real values (filled in at send time), hostile text, noise. */
    private static Arbitrary<String> text() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of("$TOKEN", "$TOKEN", "$USED", "$CODE", "$NOW", "$OLD", "$FUTURE", "$NAME",
                        "$PHONE", "$PHONE2")),
                Tuple.of(3, Arbitraries.of("", " ", "in", "out", "IN", "\u0000", "홍길동", "A\u202EB", "a\r\nb", "\ud800",
                        "' OR 1=1 --", "'); DROP TABLE scan_log; --", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(1)",
                        "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "%s%n%x", "null", "true",
                        "2026-03-02T09:00:00Z", "2026-03-02T18:00:00+09:00", "2026-03-02", "9999-12-31T23:59:59Z",
                        "-999999999-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z", "1970-01-01T00:00:00Z",
                        "010-1234-5678", "+82 10 1234 5678", "01012345678", "+4920100000000000", "0".repeat(41),
                        "x".repeat(1025), "가".repeat(101), "x".repeat(70_000))),
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(1, Arbitraries.strings().withChars(
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").ofLength(159)));
    }

    private static Arbitrary<Object> value(int depth) {
        List<Tuple.Tuple2<Integer, Arbitrary<?>>> choices = new ArrayList<>(List.of(
                Tuple.of(6, text()),
                Tuple.of(1, Arbitraries.longs()),
                Tuple.of(1, Arbitraries.doubles()),
                Tuple.of(1, Arbitraries.bigIntegers().between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))),
                Tuple.of(1, Arbitraries.of(true, false)),
                Tuple.of(1, Arbitraries.just(null))));
        if (depth > 0) {
            choices.add(Tuple.of(1, value(depth - 1).list().ofMaxSize(3)));
            choices.add(Tuple.of(1, object(Set.of("token", "name", "phone"), depth - 1)));
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        Arbitrary<Object> a = (Arbitrary) Arbitraries.frequencyOf(choices.toArray(Tuple.Tuple2[]::new));
        return a;
    }

    /** A JSON object over the endpoint's fields, sometimes with an unknown field (lower-case, so echoes hold no "SQL"). */
    private static Arbitrary<Object> object(Set<String> fields, int depth) {
        Arbitrary<String> key = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of(fields)),
                Tuple.of(1, Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz_$ 가\u0000").ofMaxLength(12)));
        return Arbitraries.maps(key, value(depth)).ofMaxSize(fields.size() + 1).map(m -> (Object) m);
    }

    /**
     * An object that is nearly right: each field present or not, with a plausible value (a real pass,
     * a time inside or outside the offline window, a name, a phone) or any value at all. Mixed with
     * fully random objects, so the fuzzer also gets past the parser into the handlers.
     */
    private static Arbitrary<Object> plausible(Map<String, Arbitrary<String>> fields) {
        List<Arbitrary<Map<String, Object>>> parts = new ArrayList<>();
        for (var f : fields.entrySet()) {
            Arbitrary<Object> v = Arbitraries.frequencyOf(
                    Tuple.of(6, f.getValue().map(x -> (Object) x)),
                    Tuple.of(1, value(1)),
                    Tuple.of(2, Arbitraries.just(ABSENT)));
            parts.add(v.map(x -> x == ABSENT ? Map.of() : java.util.Collections.singletonMap(f.getKey(), x)));
        }
        return Combinators.combine(parts).as(maps -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            maps.forEach(m::putAll);
            return (Object) m;
        });
    }

    private static final Object ABSENT = new Object();

    private static Arbitrary<Object> shaped(Set<String> fields, Map<String, Arbitrary<String>> plausible) {
        return Arbitraries.frequencyOf(Tuple.of(3, plausible(plausible)), Tuple.of(2, object(fields, 1)));
    }

    private static final Arbitrary<String> TIMES = Arbitraries.of("$NOW", "$NOW", "$OLD", "$FUTURE",
            "2026-03-02T08:59:00Z", "2026-03-02T17:59:30+09:00", "2026-03-01T09:00:01Z", "yesterday");
    private static final Arbitrary<String> NAMES = Arbitraries.of("$NAME", "홍길동", "O'Brien", "=cmd|'/C calc'!A0",
            "Zoë", "", "A\u202EB".translateEscapes(), "x".repeat(101));
    private static final Arbitrary<String> PHONES = Arbitraries.of("$PHONE", "$PHONE2", "010 1234 5678", "+1 202 555 0143",
            "12", "+4920100000000000", "010-1234-567a");

    /** How the serialised body is then damaged, if at all. */
    record Damage(int kind, int position, int value) {}

    private static Arbitrary<Damage> damage() {
        return Combinators.combine(
                Arbitraries.frequencyOf(Tuple.of(14, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 7))),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 255)).as(Damage::new);
    }

    /** A body to send: a generated JSON value and the damage done to its text. */
    record Body(Object json, Damage damage) {
        @Override
        public String toString() { // a readable sample in jqwik's report, even for 70,000-character values
            String j = Json.write(json);
            return "Body[" + (j.length() > 400 ? j.substring(0, 400) + "… (" + j.length() + " chars)" : j) + ", " + damage + "]";
        }
    }

    private static Arbitrary<Body> body(Arbitrary<Object> json) {
        return Combinators.combine(json, damage()).as(Body::new);
    }

    /** Who sends it: mostly the right secret, sometimes none, another's, or garbage. */
    private static Arbitrary<Integer> bearer() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(0)), Tuple.of(1, Arbitraries.integers().between(1, 4)));
    }

    @Provide
    Arbitrary<Body> visitorBodies() {
        return body(shaped(Set.of("name", "phone"), Map.of("name", NAMES, "phone", PHONES)));
    }

    @Provide
    Arbitrary<Body> deviceBodies() {
        return body(shaped(Set.of("enrollmentCode"), Map.of("enrollmentCode",
                Arbitraries.of("$CODE", "$CODE", " $CODE ", "$CODEx", "AAAAAAAAAAAAAAAAAAAAAA"))));
    }

    @Provide
    Arbitrary<Body> scanBodies() {
        return body(shaped(Set.of("token", "scannedAt", "direction"), SCAN));
    }

    private static final Map<String, Arbitrary<String>> SCAN = Map.of(
            "token", Arbitraries.of("$TOKEN", "$TOKEN", "$TOKEN", "$USED", "$TOKENx", "x$TOKEN"),
            "scannedAt", TIMES,
            "direction", Arbitraries.of("in", "out", "In", "sideways"));

    @Provide
    Arbitrary<Body> manualBodies() {
        return body(shaped(Set.of("name", "phone", "scannedAt"),
                Map.of("name", NAMES, "phone", PHONES, "scannedAt", TIMES)));
    }

    @Provide
    Arbitrary<Body> batchBodies() {
        Arbitrary<Object> item = Arbitraries.frequencyOf(
                Tuple.of(6, plausible(SCAN)),
                Tuple.of(2, object(Set.of("token", "scannedAt", "direction"), 0)),
                Tuple.of(1, value(1)));
        Arbitrary<Object> scans = Arbitraries.frequencyOf(
                Tuple.of(8, item.list().ofMaxSize(6).map(l -> (Object) l)),
                Tuple.of(1, Arbitraries.just(java.util.Collections.nCopies(501, Map.of("token", "$OLD")))),
                Tuple.of(1, value(1)));
        Arbitrary<Object> json = Arbitraries.frequencyOf(
                Tuple.of(8, scans.map(s -> (Object) java.util.Collections.singletonMap("scans", s))),
                Tuple.of(1, object(Set.of("scans", "token"), 1)));
        return body(json);
    }

    @Provide
    Arbitrary<Body> anyBodies() {
        return body(value(2));
    }

    @Provide
    Arbitrary<Integer> bearers() {
        return bearer();
    }

    @Provide
    Arbitrary<String> visitorIds() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just("$VISITOR")),
                Tuple.of(1, Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
                        .ofMinLength(1).ofMaxLength(30)),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30)),
                Tuple.of(1, Arbitraries.of("..", "%2e%2e", "' OR 1=1 --", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAB")));
    }

    // ---- the properties: one per endpoint ----

    @Property(tries = 1000)
    void registrationBodies(@ForAll("visitorBodies") Body b) {
        exercise("POST /api/visitors", "/api/visitors", b, null);
    }

    @Property(tries = 1000)
    void enrollmentBodies(@ForAll("deviceBodies") Body b) {
        exercise("POST /api/devices", "/api/devices", b, null);
    }

    @Property(tries = 1000)
    void scanBodies(@ForAll("scanBodies") Body b, @ForAll("bearers") int who) {
        exercise("POST /api/scans", "/api/scans", b, deviceSecret(who));
    }

    @Property(tries = 1000)
    void batchBodies(@ForAll("batchBodies") Body b, @ForAll("bearers") int who) {
        exercise("POST /api/scans/batch", "/api/scans/batch", b, deviceSecret(who));
    }

    @Property(tries = 1000)
    void manualEntryBodies(@ForAll("manualBodies") Body b, @ForAll("bearers") int who) {
        exercise("POST /api/manual-entries", "/api/manual-entries", b, deviceSecret(who));
    }

    @Property(tries = 1000)
    void passRequests(@ForAll("visitorIds") String id, @ForAll("anyBodies") Body b, @ForAll("bearers") int who) {
        String path = "/api/visitors/" + URLEncoder.encode(id.equals("$VISITOR") ? visitor.id() : id,
                StandardCharsets.UTF_8).replace("+", "%20") + "/passes";
        String secret = switch (who) {
            case 0 -> visitor.secret();
            case 1 -> null;
            case 2 -> device.secret();
            case 3 -> Ids.newSecret();
            default -> "x".repeat(201);
        };
        exercise("POST /api/visitors/{id}/passes", path, b, secret);
    }

    private static String deviceSecret(int who) {
        return switch (who) {
            case 0 -> device.secret();
            case 1 -> null;
            case 2 -> visitor.secret();
            case 3 -> Ids.newSecret();
            default -> "' OR 1=1 --";
        };
    }

    // ---- what the fuzzer found, pinned ----

    /**
     * A request refused before its body was read (401, 413) leaves the connection usable: the next
     * request on the same kept-alive connection gets its answer, not a closed socket.
     */
    @Example
    void aRefusalBeforeTheBodyIsReadLeavesTheConnectionUsable() {
        String big = "{\"scans\":[{\"token\":\"" + "x".repeat(70_000) + "\"}]}";
        for (int i = 0; i < 20; i++) {
            assertEquals(401, t.post("/api/scans/batch", big, visitor.secret()).status());
            assertEquals(200, t.get("/health", null).status());
            assertEquals(413, t.post("/api/scans", big, device.secret()).status());
            assertEquals(200, t.get("/health", null).status());
        }
    }

    /** A URI Jetty itself refuses gets the API's JSON error, not Jetty's HTML page. */
    @Example
    void aMalformedUriGetsAJsonError() throws Exception {
        for (int i = 0; i < 20; i++) {
            Response r = t.post("/api/visitors/" + (i % 2 == 0 ? "%ED%A0%80" : "%00") + "/passes", "[[0]]",
                    visitor.secret());
            assertEquals(400, r.status(), r.body());
            assertEquals("bad_request", r.text("error"), r.body());
            assertFalse(r.body().contains("<html"), r.body());
            assertEquals(200, t.get("/health", null).status(), "the next request on the connection is answered");
        }
    }

    // ---- sending and judging ----

    private record Rows(long visitors, long devices, long scans, long tokenUses) {}

    /** Row counts as an outside reader sees them: a connection of its own, so nothing cached. */
    private static Rows rows() {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT (SELECT count(*) FROM visitor), (SELECT count(*) FROM device),"
                            + " (SELECT count(*) FROM scan_log), (SELECT count(*) FROM token_use)")) {
            rs.next();
            return new Rows(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
        } catch (java.sql.SQLException e) {
            throw new RuntimeException(e);
        }
    }

    /** Replaces each placeholder with a real value; each {@code $TOKEN} is a fresh, valid pass. */
    private static String fill(String json) {
        StringBuilder out = new StringBuilder(json);
        replaceEach(out, "$TOKEN", () -> t.app.passCodec.issue(visitorPublicId, t.clock.instant(), 30));
        replaceEach(out, "$USED", () -> {
            String token = t.app.passCodec.issue(visitorPublicId, t.clock.instant(), 30);
            assertEquals(201, t.scan(elsewhere, token).status());
            return token;
        });
        replaceEach(out, "$CODE", () -> code);
        replaceEach(out, "$NOW", () -> t.clock.instant().toString());
        replaceEach(out, "$OLD", () -> t.clock.instant().minus(Duration.ofHours(30)).toString());
        replaceEach(out, "$FUTURE", () -> t.clock.instant().plus(Duration.ofMinutes(10)).toString());
        replaceEach(out, "$NAME", () -> "Fuzz Person");
        replaceEach(out, "$PHONE2", () -> "+82 10 4444 5555");
        replaceEach(out, "$PHONE", () -> "010-2222-3333");
        return out.toString();
    }

    private static void replaceEach(StringBuilder sb, String placeholder, java.util.function.Supplier<String> value) {
        int i;
        while ((i = sb.indexOf(placeholder)) >= 0) {
            sb.replace(i, i + placeholder.length(), value.get());
        }
    }

    private static byte[] bytes(Body b) {
        String json = fill(Json.write(b.json()));
        Damage d = b.damage();
        int p = json.isEmpty() ? 0 : d.position() % (json.length() + 1);
        String damaged = switch (d.kind()) {
            case 0 -> json;
            case 1 -> json.substring(0, p); // truncated
            case 2 -> json.substring(0, p) + (char) d.value() + json.substring(p); // a stray character
            case 3 -> json.startsWith("{") && json.length() > 2 ? "{\"token\":\"x\"," + json.substring(1) : json + "{"; // a field twice, maybe
            case 4 -> "[" + json + "]";
            case 5 -> json + " {}";
            case 6 -> json.replace("\"", "'");
            default -> null;
        };
        if (damaged != null) {
            return damaged.getBytes(StandardCharsets.UTF_8);
        }
        byte[] raw = json.getBytes(StandardCharsets.UTF_8); // invalid UTF-8 somewhere
        if (raw.length > 0) {
            raw[d.position() % raw.length] = (byte) (0x80 | d.value());
        }
        return raw;
    }

    /**
     * Sends on a connection of its own: after a body over 1 MiB the server may close the
     * connection once it has answered, and a pooled connection closed that way would fail the
     * next, unrelated request.
     */
    private static Response postAlone(String path, byte[] body, String bearer) {
        java.net.http.HttpClient alone = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.base + path))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try {
            var raw = alone.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = raw.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    ? Json.MAPPER.readTree(raw.body()) : null;
            return new Response(raw.statusCode(), json, raw.body(), raw);
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private static String errorTexts(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        for (String key : List.of("error", "message")) {
            n.findValues(key).forEach(v -> sb.append(v.asText()).append('\n'));
        }
        return sb.toString();
    }

    /** Found by the fuzzer: a year beyond 9999 overflowed epoch milliseconds into a 500. */
    @Example
    void aScanTimeBeyondTheYear9999IsABadRequest() {
        for (String when : List.of("+1000000000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z")) {
            Response r = t.post("/api/scans", Map.of("token", t.pass(visitor), "scannedAt", when), device.secret());
            assertEquals(400, r.status(), r.body());
            Response m = t.post("/api/manual-entries", Map.of("name", "A", "phone", "01012345678", "scannedAt", when),
                    device.secret());
            assertEquals(400, m.status(), m.body());
        }
    }

    private static void exercise(String endpoint, String path, Body b, String bearer) {
        byte[] body = bytes(b);
        Rows before = rows();
        Response r;
        try {
            r = body.length > 1024 * 1024 ? postAlone(path, body, bearer) : t.postBytes(path, body, bearer);
        } catch (RuntimeException e) {
            // Over 1 MiB the server refuses without reading the body to its end and may close the
            // connection under the client (HTTP allows it); below that every request gets its answer.
            assertTrue(body.length > 1024 * 1024, endpoint + ": no answer to a body of " + body.length + " bytes: " + e
                    + "; the request before: " + previous);
            assertEquals(before, rows(), "rows changed without an answer");
            CASES.incrementAndGet();
            STATUSES.computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>()).merge(0, 1L, Long::sum);
            return;
        }
        Rows after = rows();
        previous = path + " " + body.length + " bytes -> " + r.status() + " " + r.raw().headers().map();
        CASES.incrementAndGet();
        STATUSES.computeIfAbsent(endpoint, k -> new ConcurrentHashMap<>()).merge(r.status(), 1L, Long::sum);
        String sent = new String(body, StandardCharsets.UTF_8);
        String what = endpoint + " answered " + r.status() + " " + r.body() + " to "
                + sent.substring(0, Math.min(sent.length(), 300));
        assertTrue(r.status() < 500, "a 5xx: " + what);
        // what people read: the whole answer of a refusal, the error texts inside a 2xx (batch
        // items); not the random ids, secrets and images of a 2xx, where "SQL" can occur by chance
        String readable = r.status() >= 300 || r.json() == null ? r.body() : errorTexts(r.json());
        for (String leak : LEAKS) {
            assertFalse(readable.contains(leak), "'" + leak + "' in the answer: " + what);
        }
        if (r.status() >= 300) {
            assertTrue(r.json() != null && CODES.contains(r.json().path("error").asText())
                    && r.json().path("message").isTextual(), "an error is {error, message}: " + what);
            assertEquals(before, after, "rows changed without a 2xx: " + what);
            return;
        }
        long newScans = after.scans() - before.scans();
        switch (endpoint) {
            case "POST /api/visitors" -> {
                assertEquals(201, r.status(), what);
                assertEquals(new Rows(before.visitors() + 1, before.devices(), before.scans(), before.tokenUses()), after, what);
            }
            case "POST /api/devices" -> {
                assertEquals(201, r.status(), what);
                assertEquals(new Rows(before.visitors(), before.devices() + 1, before.scans(), before.tokenUses()), after, what);
            }
            case "POST /api/scans" -> {
                boolean duplicate = r.json().path("duplicate").asBoolean();
                assertEquals(duplicate ? 200 : 201, r.status(), what);
                long n = duplicate ? 0 : 1;
                assertEquals(new Rows(before.visitors(), before.devices(), before.scans() + n, before.tokenUses() + n),
                        after, what);
            }
            case "POST /api/scans/batch" -> {
                assertEquals(200, r.status(), what);
                long created = 0;
                for (JsonNode item : r.json().path("results")) {
                    int status = item.path("status").asInt();
                    assertTrue(status < 500, "a 5xx item: " + what);
                    created += status == 201 ? 1 : 0;
                }
                assertEquals(created, newScans, "one row per item answered 201: " + what);
                assertEquals(before.visitors(), after.visitors(), what);
            }
            case "POST /api/manual-entries" -> {
                assertEquals(201, r.status(), what);
                assertEquals(new Rows(before.visitors() + 1, before.devices(), before.scans() + 1, before.tokenUses()),
                        after, what);
            }
            default -> { // a pass is issued: nothing is appended
                assertEquals(201, r.status(), what);
                assertEquals(before, after, what);
            }
        }
    }
}
