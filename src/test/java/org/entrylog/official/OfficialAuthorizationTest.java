package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.entrylog.web.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Who may call what: every official endpoint and the visitor history, called by an anonymous
 * caller, a visitor, a device, an official, a disabled official, an idle-expired, an
 * absolutely-expired and a logged-out session.
 */
@Tag("slow")
@BothStores
class OfficialAuthorizationTest {
    @Parameter
    TestApp.Store store;

    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device device;
    TestApp.Visitor visitor;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
        device = t.venueWithDevice("Cafe");
        visitor = t.register("Hong Gildong", "010-1234-5678");
        Officials.scanAt(t, device, visitor, NOW.minus(Duration.ofHours(1)), "in");
        t.clock.set(NOW);
        Officials.add(t, "kim");
        Officials.add(t, "lee");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    /** Each official endpoint, called with a bearer (or none). */
    private Map<String, Function<String, TestApp.Response>> officialEndpoints() {
        Map<String, Function<String, TestApp.Response>> m = new LinkedHashMap<>();
        m.put("POST /api/traces", b -> t.post("/api/traces", Officials.trace("010-1234-5678",
                NOW.minus(Duration.ofDays(1)), NOW, 30, "CASE-2026-0001"), b));
        // within the reach of the trace above (the case's visit an hour ago, 30 minutes either side)
        String reach = "?from=" + NOW.minus(Duration.ofMinutes(90)) + "&to=" + NOW.minus(Duration.ofMinutes(30))
                + "&caseRef=CASE-2026-0001";
        m.put("GET /api/venues/{venueId}/visits", b -> t.get("/api/venues/" + device.venueId() + "/visits" + reach,
                b));
        m.put("GET /api/venues/{venueId}/visits (csv)", b -> t.send(HttpRequest.newBuilder(URI.create(t.base
                + "/api/venues/" + device.venueId() + "/visits" + reach)).header("Accept", "text/csv").GET(), b));
        m.put("GET /api/sessions/current", b -> t.get("/api/sessions/current", b));
        m.put("GET /api/approvals", b -> t.get("/api/approvals", b));
        return m;
    }

    private TestApp.Response logout(String bearer) {
        return t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/sessions/current")).DELETE(), bearer);
    }

    /**
     * Every OFFICIAL route of the route table, as JSON and as CSV, is refused this bearer with 401 and
     * writes one audit row naming no one: a new official route is covered without being listed here.
     */
    private void assertAllRefused(String who, String bearer) {
        long before = t.count("SELECT count(*) FROM audit_log");
        int calls = 0;
        for (WebServer.Route route : t.app.routes()) {
            if (!route.roles().contains(WebServer.Role.OFFICIAL)) {
                continue;
            }
            for (String accept : new String[] {null, "text/csv"}) {
                // each call its own burst, so each writes its row; and the address's allowance of refusals
                // (30 per 10 minutes) gets back the one each call takes, however many routes there are
                // (both limits: AnonymousRefusalsTest); 20 s a call keeps other sessions well inside their idle time
                t.app.anonymousRefusals.closeAll();
                t.clock.advance(Duration.ofSeconds(20));
                TestApp.Response r = t.call(route, Map.of("venueId", device.venueId()), bearer, accept);
                String what = who + " → " + route.method() + " " + route.path() + (accept == null ? "" : " (csv)");
                assertEquals(401, r.status(), what + ": " + r.body());
                assertEquals("unauthorized", r.text("error"), what);
                calls++;
            }
        }
        assertEquals(before + calls, t.count("SELECT count(*) FROM audit_log"), "every refusal is audited");
        assertEquals(0, t.count("SELECT count(*) FROM audit_log WHERE status = 401 AND visitor_ids <> '[]'"));
    }

    @Test
    void anonymousCallersAreRefusedAndAudited() {
        assertAllRefused("anonymous", null);
        assertAllRefused("garbage bearer", "not-a-session");
    }

    @Test
    void visitorAndDeviceSecretsAreNotOfficialSessions() {
        assertAllRefused("visitor", visitor.secret());
        assertAllRefused("device", device.secret());
    }

    @Test
    void aSignedInOfficialIsAllowedEverywhere() {
        String token = Officials.token(t, "kim");
        for (var e : officialEndpoints().entrySet()) {
            TestApp.Response r = e.getValue().apply(token);
            assertEquals(200, r.status(), e.getKey() + ": " + r.body());
        }
        assertEquals(204, logout(token).status());
        assertAllRefused("logged-out session", token);
    }

    @Test
    void aDisabledOfficialIsRefusedAtTheNextRequestAndCannotSignInAgain() {
        String token = Officials.token(t, "kim");
        String other = Officials.token(t, "lee");
        assertEquals(200, officialEndpoints().get("POST /api/traces").apply(token).status());
        Officials.disable(t, "kim");
        assertAllRefused("disabled official", token);
        TestApp.Response again = Officials.login(t, "kim", Officials.PASSWORD);
        assertEquals(401, again.status());
        assertEquals(200, officialEndpoints().get("POST /api/traces").apply(other).status(), "others are unaffected");
    }

    @Test
    void aSessionExpiresAfterThirtyIdleMinutesToTheSecond() {
        String token = Officials.token(t, "kim");
        t.clock.advance(Sessions.IDLE.minusSeconds(1));
        assertEquals(200, officialEndpoints().get("POST /api/traces").apply(token).status(), "29:59 idle is fine");
        t.clock.advance(Sessions.IDLE);
        assertAllRefused("idle-expired session", token);
    }

    @Test
    void aSessionEndsAfterEightHoursHoweverActive() {
        TestApp.Response login = Officials.login(t, "kim", Officials.PASSWORD);
        String token = login.text("token");
        assertEquals(NOW.plus(Sessions.ABSOLUTE).toString(), login.text("expiresAt"));
        for (int i = 0; i < 16; i++) {
            t.clock.advance(Duration.ofMinutes(29));
            // the query window moves with the clock so it stays inside retention
            TestApp.Response r = t.post("/api/traces", Officials.trace("010-1234-5678",
                    t.clock.instant().minus(Duration.ofDays(1)), t.clock.instant(), 30, "CASE-2026-0001"), token);
            assertEquals(200, r.status());
        }
        t.clock.set(NOW.plus(Sessions.ABSOLUTE).minusMillis(1));
        assertEquals(200, t.post("/api/traces", Officials.trace("010-1234-5678", NOW, NOW, 30, "CASE-2026-0001"),
                token).status());
        t.clock.set(NOW.plus(Sessions.ABSOLUTE));
        TestApp.Response r = t.post("/api/traces", Officials.trace("010-1234-5678", NOW, NOW, 30, "CASE-2026-0001"),
                token);
        assertEquals(401, r.status());
    }

    @Test
    void historyIsForTheVisitorOnlyWithOneAnswerForUnknownIdAndWrongSecret() {
        String path = "/api/visitors/" + visitor.id() + "/history";
        assertEquals(200, t.get(path, visitor.secret()).status());
        String official = Officials.token(t, "kim");
        TestApp.Visitor stranger = t.register("Stranger", "010-9999-0000");
        TestApp.Response wrongSecret = t.get(path, stranger.secret());
        TestApp.Response unknownId = t.get("/api/visitors/AAAAAAAAAAAAAAAAAAAAAA/history", visitor.secret());
        assertEquals(401, wrongSecret.status());
        assertEquals(wrongSecret.body(), unknownId.body());
        assertEquals(wrongSecret.status(), unknownId.status());
        for (String bearer : new String[] {null, device.secret(), official}) {
            assertEquals(401, t.get(path, bearer).status());
        }
    }

    @Test
    void theLoginAnswerIsTheSameForAnUnknownUserAndAWrongPassword() {
        TestApp.Response unknown = Officials.login(t, "nobody", Officials.PASSWORD);
        TestApp.Response wrong = Officials.login(t, "kim", "wrong password here");
        assertEquals(401, unknown.status());
        assertEquals(unknown.status(), wrong.status());
        assertEquals(unknown.body(), wrong.body());
        assertNotEquals(null, unknown.header("Content-Type"));
        assertEquals(unknown.header("Content-Type"), wrong.header("Content-Type"));
    }
}
