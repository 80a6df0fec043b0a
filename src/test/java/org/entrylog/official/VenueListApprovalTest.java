package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Venue lists only for a purpose (docs/design.md, the approval rule): within the reach of a trace
 * under the same caseRef, or inside an approval a second official granted, for 24 h; otherwise 403
 * {@code needs_approval}. Every request, grant and refusal is audited. Boundaries to the second.
 */
@Tag("slow")
class VenueListApprovalTest {
    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final String CASE = "CASE-2026-0001";

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device door;
    TestApp.Visitor caseV;
    TestApp.Visitor late;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        Officials.add(t, "kim");
        Officials.add(t, "lee");
        door = t.venueWithDevice("Cafe");
        caseV = t.register("Case", "010-1234-5678");
        late = t.register("Late", "010-2222-3333");
        Officials.scanAt(t, door, caseV, T, "in");
        Officials.scanAt(t, door, late, T.plus(Duration.ofMinutes(90)), "in");
        t.clock.set(T.plus(Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private TestApp.Response list(String token, Instant from, Instant to, String caseRef) {
        return t.get("/api/venues/" + door.venueId() + "/visits?from=" + from + "&to=" + to + "&caseRef=" + caseRef,
                token);
    }

    private static void assertNeedsApproval(TestApp.Response r, String what) {
        assertEquals(403, r.status(), what + ": " + r.body());
        assertEquals("needs_approval", r.text("error"), what);
    }

    private TestApp.Response request(String token, Instant from, Instant to) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("caseRef", CASE);
        body.put("venueId", door.venueId());
        body.put("from", from.toString());
        body.put("to", to.toString());
        body.put("reason", "직원 확인: the case's colleague arrived later");
        return t.post("/api/approvals", body, token);
    }

    @Test
    void aVenueListIsAnsweredOnlyWithinTheReachOfATraceUnderTheSameCaseRef() {
        String kim = Officials.token(t, "kim");
        String lee = Officials.token(t, "lee");
        Instant from = T.minus(Duration.ofMinutes(15));
        Instant to = T.plus(Duration.ofMinutes(15));
        assertNeedsApproval(list(kim, from, to, CASE), "before any trace");

        assertEquals(200, t.post("/api/traces", Officials.trace("010-1234-5678", T.minus(Duration.ofHours(1)),
                T.plus(Duration.ofHours(1)), 15, CASE), kim).status());
        TestApp.Response ok = list(kim, from, to, CASE);
        assertEquals(200, ok.status(), ok.body());
        assertEquals(1, ok.json().path("visits").size(), "the case's own scan; the late visitor is outside");
        assertNeedsApproval(list(kim, from.minusSeconds(1), to, CASE), "one second before the reach");
        assertNeedsApproval(list(kim, from, to.plusSeconds(1), CASE), "one second after the reach");
        assertEquals(200, list(lee, from, to, CASE).status(), "any official working the same case");
        assertNeedsApproval(list(kim, from, to, "CASE-2026-0002"), "another caseRef");

        assertEquals(2, t.count("SELECT count(*) FROM audit_log WHERE action = 'GET /api/venues/{venueId}/visits'"
                + " AND status = 200"));
        assertEquals(4, t.count("SELECT count(*) FROM audit_log WHERE action = 'GET /api/venues/{venueId}/visits'"
                + " AND status = 403 AND error = 'needs_approval' AND visitor_ids = '[]'"));
        assertEquals(1, t.count("SELECT count(*) FROM trace_reach WHERE case_ref = '" + CASE + "' AND official = 'kim'"));
    }

    @Test
    void anApprovalGrantedByASecondOfficialOpensOnlyItsWindowForTheRequesterFor24Hours() {
        String kim = Officials.token(t, "kim");
        String lee = Officials.token(t, "lee");
        Instant from = T.plus(Duration.ofHours(1));
        Instant to = T.plus(Duration.ofHours(2));
        assertNeedsApproval(list(kim, from, to, CASE), "no trace, no approval");

        TestApp.Response requested = request(kim, from, to);
        assertEquals(201, requested.status(), requested.body());
        String id = requested.text("approvalId");
        assertEquals(22, id.length(), "128 random bits, base64url");
        assertNeedsApproval(list(kim, from, to, CASE), "requested, not granted");

        JsonNode pending = t.get("/api/approvals", lee).json().path("approvals");
        assertEquals(1, pending.size(), pending.toString());
        assertEquals("pending", pending.get(0).path("status").asText());
        assertEquals("kim", pending.get(0).path("requestedBy").asText());
        assertEquals("Cafe", pending.get(0).path("venueName").asText());

        TestApp.Response own = t.post("/api/approvals/" + id + "/grant", "", kim);
        assertEquals(403, own.status(), own.body());
        assertEquals("forbidden", own.text("error"));
        assertNeedsApproval(list(kim, from, to, CASE), "a refused self-grant opens nothing");
        assertEquals(404, t.post("/api/approvals/AAAAAAAAAAAAAAAAAAAAAA/grant", "", lee).status());

        t.clock.advance(Duration.ofMinutes(10));
        Instant granted = t.clock.instant();
        TestApp.Response grant = t.post("/api/approvals/" + id + "/grant", "", lee);
        assertEquals(200, grant.status(), grant.body());
        assertEquals(granted.plus(Duration.ofHours(24)).toString(), grant.text("expiresAt"));
        assertEquals(403, t.post("/api/approvals/" + id + "/grant", "", lee).status(), "granted once");

        TestApp.Response listed = list(kim, from, to, CASE);
        assertEquals(200, listed.status(), listed.body());
        assertEquals(1, listed.json().path("visits").size());
        assertEquals(late.id(), listed.json().path("visits").get(0).path("visitorId").asText());
        assertEquals(200, list(kim, from.plusSeconds(600), to.minusSeconds(600), CASE).status(), "inside the window");
        assertNeedsApproval(list(kim, from.minusSeconds(1), to, CASE), "a second before the granted window");
        assertNeedsApproval(list(kim, from, to.plusSeconds(1), CASE), "a second after the granted window");
        assertNeedsApproval(list(lee, from, to, CASE), "the approval is the requester's, not the granter's");
        assertNeedsApproval(list(kim, from, to, "CASE-2026-0002"), "under another caseRef");

        // the visitor the two approved lists returned sees both accesses on their page
        JsonNode history = t.get("/api/visitors/" + late.id() + "/history", late.secret()).json();
        assertEquals(2, history.path("accesses").size(), history.toString());
        assertEquals(CASE, history.path("accesses").get(0).path("caseRef").asText());

        // 24 h from the grant, to the second (sessions last 8 h, so sign in again)
        t.clock.set(granted.plus(Duration.ofHours(24)).minusSeconds(1));
        kim = Officials.token(t, "kim");
        assertEquals(200, list(kim, from, to, CASE).status(), "24 h − 1 s after the grant");
        t.clock.advance(Duration.ofSeconds(1));
        assertNeedsApproval(list(kim, from, to, CASE), "24 h after the grant");
        assertEquals(0, t.get("/api/approvals", kim).json().path("approvals").size(), "expired approvals are not listed");

        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/approvals' AND official = 'kim'"
                + " AND status = 201 AND case_ref = '" + CASE + "' AND query LIKE '%" + id + "%'"));
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/approvals/{approvalId}/grant'"
                + " AND official = 'kim' AND status = 403 AND error = 'forbidden' AND case_ref = '" + CASE + "'"));
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/approvals/{approvalId}/grant'"
                + " AND official = 'lee' AND status = 200 AND case_ref = '" + CASE + "'"));
        assertEquals(2, t.count("SELECT count(*) FROM audit_log WHERE action = 'GET /api/approvals' AND status = 200"));
        assertEquals(0, t.count("SELECT count(*) FROM audit_log WHERE query LIKE '%colleague%'"),
                "the free-text reason stays with the approval, out of the year-long audit log");
    }

    @Test
    void aRequestNotGrantedWithin24HoursLapses() {
        String kim = Officials.token(t, "kim");
        String id = request(kim, T.plus(Duration.ofHours(1)), T.plus(Duration.ofHours(2))).text("approvalId");
        t.clock.advance(Duration.ofHours(24));
        String lee = Officials.token(t, "lee");
        TestApp.Response r = t.post("/api/approvals/" + id + "/grant", "", lee);
        assertEquals(403, r.status(), r.body());
        assertEquals("forbidden", r.text("error"));
        assertEquals(0, t.count("SELECT count(*) FROM approval WHERE granted_at IS NOT NULL"));
    }

    @Test
    void theDatabaseRefusesASelfGrantAndAnyChangeAfterAGrant() {
        String kim = Officials.token(t, "kim");
        request(kim, T.plus(Duration.ofHours(1)), T.plus(Duration.ofHours(2)));
        Throwable self = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () ->
                t.app.db.transaction(c -> c.createStatement().executeUpdate(
                        "UPDATE approval SET granted_by = 'kim', granted_at = 1")));
        assertTrue(String.valueOf(self.getMessage()).contains("CHECK") || self.getCause() != null, self.toString());
        t.app.db.transaction(c -> c.createStatement().executeUpdate(
                "UPDATE approval SET granted_by = 'lee', granted_at = 1"));
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () ->
                t.app.db.transaction(c -> c.createStatement().executeUpdate("UPDATE approval SET to_at = to_at + 1")));
        org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () ->
                t.app.db.transaction(c -> c.createStatement().executeUpdate("UPDATE approval SET granted_at = 2")));
        assertFalse(t.count("SELECT granted_at FROM approval") == 2);
    }

    @Test
    void whatTracesFoundAndApprovalsGoWithTheScansTheyReferTo() {
        String kim = Officials.token(t, "kim");
        assertEquals(200, t.post("/api/traces", Officials.trace("010-1234-5678", T.minus(Duration.ofHours(1)),
                T.plus(Duration.ofHours(1)), 15, CASE), kim).status());
        request(kim, T.plus(Duration.ofHours(1)), T.plus(Duration.ofHours(2)));
        assertEquals(1, t.count("SELECT count(*) FROM trace_reach"));
        assertEquals(1, t.count("SELECT count(*) FROM approval"));
        t.app.purger.purge(T.plus(Duration.ofDays(28)).plusSeconds(1), Duration.ofSeconds(30));
        assertEquals(0, t.count("SELECT count(*) FROM trace_reach"), "the case visit at T is gone, so is its reach");
        assertEquals(1, t.count("SELECT count(*) FROM approval"), "requested a day after T: not yet");
        t.app.purger.purge(T.plus(Duration.ofDays(29)).plusSeconds(1), Duration.ofSeconds(30));
        assertEquals(0, t.count("SELECT count(*) FROM approval"));
    }
}
