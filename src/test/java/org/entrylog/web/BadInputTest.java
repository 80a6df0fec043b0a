package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed, oversized and hostile input gets a clear error and changes nothing (docs/threat-model.md T10–T14). */
@Tag("slow")
class BadInputTest {
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

    private long rows() {
        return t.count("SELECT (SELECT count(*) FROM visitor) + (SELECT count(*) FROM scan_log) + (SELECT count(*) FROM device)");
    }

    private void assertBadRequest(Response r) {
        assertEquals(400, r.status(), r.body());
        assertEquals("bad_request", r.text("error"));
        assertFalse(r.body().contains("Exception"), "no stack trace: " + r.body());
        assertFalse(r.body().toLowerCase().contains("sql"), "no SQL: " + r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "{", "null", "[]", "\"x\"", "{\"name\":\"A\",\"phone\":\"01012345678\"} {}",
        "{\"name\":\"A\",\"name\":\"B\",\"phone\":\"01012345678\"}",
        "{\"name\":1,\"phone\":\"01012345678\"}", "{\"name\":[\"A\"],\"phone\":\"01012345678\"}",
        "{\"name\":\"A\",\"phone\":1012345678}", "{\"name\":\"A\"}", "{\"phone\":\"01012345678\"}",
        "{\"name\":\"A\",\"phone\":\"01012345678\",\"admin\":true}",
        "{\"name\":\"\",\"phone\":\"01012345678\"}", "{\"name\":\"A\",\"phone\":\"not a number\"}",
        "{\"name\":\"A\u0000B\",\"phone\":\"01012345678\"}", "{\"name\":\"A\\u0000B\",\"phone\":\"01012345678\"}",
        "{\"name\":\"A\\r\\nB\",\"phone\":\"01012345678\"}", "{\"name\":\"evil\\u202Egnp.exe\",\"phone\":\"01012345678\"}",
        "{\"name\":\"A\\ud800\",\"phone\":\"01012345678\"}",
    })
    void malformedRegistrationsAreRefusedAndWriteNothing(String body) {
        assertBadRequest(t.post("/api/visitors", body, null));
        assertEquals(0, rows());
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"name\":\"A?B\",\"phone\":\"01012345678\"}".getBytes(StandardCharsets.UTF_8);
        body[10] = (byte) 0xC3; // a lead byte with no continuation
        assertBadRequest(t.postBytes("/api/visitors", body, null));
        assertEquals(0, rows());
    }

    @Test
    void hangulAndOtherScriptsAreAccepted() {
        for (String name : new String[] {"김민수", "Ōtsuka 大塚", "José Ñúñez", "O'Brien; DROP TABLE visitor;--"}) {
            assertEquals(201, t.post("/api/visitors", Map.of("name", name, "phone", "01012345678"), null).status());
        }
        assertEquals(4, t.count("SELECT count(*) FROM visitor"));
    }

    @Test
    void aBodyOver64KiBIsRefusedWith413BeforeParsing() {
        String big = "{\"name\":\"" + "A".repeat(70 * 1024) + "\",\"phone\":\"01012345678\"}";
        Response r = t.post("/api/visitors", big, null);
        assertEquals(413, r.status());
        assertEquals("payload_too_large", r.text("error"));
        byte[] tenMb = new byte[10 * 1024 * 1024];
        java.util.Arrays.fill(tenMb, (byte) 'x');
        Device d = t.venueWithDevice("Door");
        // The server answers 413 from the declared length and closes the connection; a client still
        // sending its 10 MB may find the socket closed before it reads that answer. Either way the
        // body is never parsed and nothing is written.
        try {
            Response huge = t.postBytes("/api/scans", tenMb, d.secret());
            assertEquals(413, huge.status());
            assertEquals("payload_too_large", huge.text("error"));
        } catch (RuntimeException closedWhileSending) {
            assertTrue(closedWhileSending.getCause() instanceof java.io.IOException, closedWhileSending.toString());
        }
        assertEquals(200, t.get("/health", null).status(), "the server keeps answering");
        assertEquals(1, rows());
    }

    @Test
    void aChunkedBodyOverTheLimitIsAlsoRefused() {
        byte[] big = new byte[200 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        var req = HttpRequest.newBuilder(URI.create(t.base + "/api/visitors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
        Response r = t.send(req, null);
        assertEquals(413, r.status());
    }

    @Test
    void anOversizedQrIsRefusedWith413() {
        Device d = t.venueWithDevice("Door");
        Response r = t.post("/api/scans", Map.of("token", "A".repeat(5000)), d.secret());
        assertEquals(413, r.status());
        assertEquals("payload_too_large", r.text("error"));
    }

    @Test
    void unknownOrMissingDeviceSecretsAreUnauthorized() {
        Response none = t.post("/api/scans", Map.of("token", "x"), null);
        Response wrong = t.post("/api/scans", Map.of("token", "x"), "wrong");
        Response inj = t.post("/api/scans", Map.of("token", "x"), "' OR '1'='1");
        for (Response r : new Response[] {none, wrong, inj}) {
            assertEquals(401, r.status());
            assertEquals("unauthorized", r.text("error"));
        }
        Response enroll = t.post("/api/devices", Map.of("enrollmentCode", "' OR 1=1 --"), null);
        assertEquals(401, enroll.status());
        assertEquals(0, rows());
    }

    @Test
    void sqlInjectionInEveryParameterIsPlainData() {
        String inj = "'); DELETE FROM scan_log; --";
        assertEquals(201, t.post("/api/visitors", Map.of("name", inj, "phone", "01012345678"), null).status());
        Device d = t.venueWithDevice(inj);
        assertEquals(400, t.post("/api/scans", Map.of("token", "x", "direction", inj), d.secret()).status());
        assertEquals(400, t.post("/api/scans", Map.of("token", "x", "scannedAt", inj), d.secret()).status());
        assertEquals(401, t.post("/api/visitors/" + inj.replace(" ", "%20") + "/passes", "", inj).status());
        assertEquals(1, t.count("SELECT count(*) FROM visitor"));
        assertEquals(1, t.count("SELECT count(*) FROM venue WHERE name = '''); DELETE FROM scan_log; --'"));
    }

    @Test
    void wrongTypesInAScanAreRefused() {
        Device d = t.venueWithDevice("Door");
        assertBadRequest(t.post("/api/scans", "{\"token\":[\"a\"]}", d.secret()));
        assertBadRequest(t.post("/api/scans", "{\"token\":\"a\",\"scannedAt\":12345}", d.secret()));
        assertBadRequest(t.post("/api/scans", "{\"token\":\"a\",\"direction\":\"sideways\"}", d.secret()));
        assertBadRequest(t.post("/api/scans/batch", "{\"scans\":{}}", d.secret()));
        assertEquals(1, rows());
    }

    @Test
    void errorsAreJsonWithSecurityHeaders() {
        Response r = t.get("/api/nothing-here", null);
        assertEquals(404, r.status());
        assertEquals("not_found", r.text("error"));
        assertTrue(r.header("Content-Security-Policy").contains("script-src 'self'"));
        assertEquals("nosniff", r.header("X-Content-Type-Options"));
        assertEquals("no-referrer", r.header("Referrer-Policy"));
        assertTrue(r.header("X-Request-Id").matches("[0-9a-f]{1,16}"), "each request gets an id for its log lines");
    }

    @Test
    void healthAnswersOk() {
        Response r = t.get("/health", null);
        assertEquals(200, r.status());
        assertEquals("ok", r.text("status"));
    }
}
