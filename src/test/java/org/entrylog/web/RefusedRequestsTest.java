package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import org.entrylog.common.Json;
import org.entrylog.official.Officials;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests that used to be accepted and must be refused (issue 14 item 8): a body that is not JSON,
 * a method smuggled in a header, a known path with the wrong method (docs/threat-model.md T13).
 */
@Tag("slow")
class RefusedRequestsTest {
    private static final String REGISTRATION = "{\"name\":\"A\",\"phone\":\"01012345678\"}";

    @TempDir
    Path dir;
    TestApp t;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private Response post(String path, String contentType, String body, String bearer) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.base + path))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return t.send(b, bearer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/jsonp", "none"})
    void aBodyThatIsNotJsonIs415AndRegistersNoOne(String contentType) {
        Response r = post("/api/visitors", contentType.equals("none") ? null : contentType, REGISTRATION, null);
        assertEquals(415, r.status(), r.body());
        assertEquals("unsupported_media_type", r.text("error"));
        assertEquals(0, t.count("SELECT count(*) FROM visitor"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "none"})
    void aSignInThatIsNotJsonIs415(String contentType) {
        Officials.add(t, "kim");
        Response r = post("/api/sessions", contentType.equals("none") ? null : contentType,
                Json.write(java.util.Map.of("username", "kim", "password", Officials.PASSWORD)), null);
        assertEquals(415, r.status(), r.body());
        assertEquals("unsupported_media_type", r.text("error"));
        assertEquals(0, t.count("SELECT count(*) FROM official_session"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8"})
    void jsonWithOrWithoutACharsetIsAccepted(String contentType) {
        assertEquals(201, post("/api/visitors", contentType, REGISTRATION, null).status());
    }

    @Test
    void aPostWithoutABodyNeedsNoContentType() {
        TestApp.Visitor v = t.register("A", "01012345678");
        Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors/" + v.id() + "/passes"))
                .POST(HttpRequest.BodyPublishers.noBody()), v.secret());
        assertEquals(201, r.status(), r.body());
    }

    @Test
    void aMethodOverrideHeaderDoesNotSignAnOfficialOut() {
        Officials.add(t, "kim");
        String token = Officials.token(t, "kim");
        Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/sessions/current"))
                .header("X-HTTP-Method-Override", "DELETE")
                .POST(HttpRequest.BodyPublishers.noBody()), token);
        assertEquals(405, r.status(), "a POST stays a POST: " + r.body());
        assertEquals("DELETE, GET", r.header("Allow"));
        assertEquals(0, t.count("SELECT count(*) FROM official_session WHERE ended_at IS NOT NULL"));
        Instant now = t.clock.instant();
        Response trace = t.post("/api/traces", Officials.trace("01012345678", now.minusSeconds(3600), now, 30,
                "CASE-2026-1"), token);
        assertEquals(200, trace.status(), "the session still works: " + trace.body());
    }

    @Test
    void aMethodOverrideHeaderDoesNotTurnAGetIntoAPost() {
        Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                .header("X-HTTP-Method-Override", "POST").GET(), null);
        assertEquals(405, r.status());
        assertEquals(0, t.count("SELECT count(*) FROM visitor"));
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /api/visitors, POST",
        "PUT, /api/visitors, POST",
        "DELETE, /health, GET",
        "POST, /health, GET",
        "PUT, /api/sessions/current, 'DELETE, GET'",
        "PATCH, /api/scans, POST",
        "GET, /api/visitors/AAAAAAAAAAAAAAAAAAAAAA/passes, POST",
        "DELETE, /api/traces, POST",
        "POST, /api/venues/AAAAAAAAAAAAAAAAAAAAAA/visits, GET",
    })
    void aKnownPathWithAnotherMethodIs405NamingTheMethodsItTakes(String method, String path, String allow) {
        Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + path))
                .method(method, HttpRequest.BodyPublishers.noBody()), null);
        assertEquals(405, r.status(), r.body());
        assertEquals("method_not_allowed", r.text("error"));
        assertEquals(allow, r.header("Allow"));
    }

    @Test
    void anUnknownPathIsStill404WithoutAllow() {
        Response r = t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/nothing-here"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()), null);
        assertEquals(404, r.status());
        assertEquals("not_found", r.text("error"));
        assertNull(r.header("Allow"));
    }
}
