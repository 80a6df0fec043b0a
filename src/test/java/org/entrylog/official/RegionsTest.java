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
 * Regions (docs/design.md): an official of KR-41 sees identities and venue lists only at venues
 * of KR-41. A trace still shows the case's own visits everywhere; its contacts elsewhere come
 * without {@code sealedIdentity}, counted per region in {@code contactsOutsideRegion}. A venue with
 * no region is closed to regional officials. All of it audited.
 */
@Tag("slow")
class RegionsTest {
    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final String CASE = "CASE-2026-0041";

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device suwon;
    TestApp.Device seoul;
    TestApp.Device nowhere;
    TestApp.Visitor here;
    TestApp.Visitor there;
    TestApp.Visitor there2;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        new OfficialAccounts(t.app.db, new Passwords(), t.clock).add("gyeonggi", Officials.PASSWORD,
                RegionScope.parse("KR-41"));
        Officials.enroll(t, "gyeonggi"); // its second factor, as official add gives one
        Officials.add(t, "national");
        suwon = t.enroll(t.app.venues.add("Suwon cafe", null, "KR-41").enrollmentCode());
        seoul = t.enroll(t.app.venues.add("Seoul bar", null, "kr-11").enrollmentCode());
        nowhere = t.venueWithDevice("Venue without a region");
        TestApp.Visitor caseV = t.register("Case", "010-1234-5678");
        here = t.register("Here", "010-1111-1111");
        there = t.register("There", "010-2222-2222");
        there2 = t.register("There too", "010-3333-3333");
        Officials.scanAt(t, suwon, caseV, T, "in");
        Officials.scanAt(t, suwon, here, T.plusSeconds(60), "in");
        Officials.scanAt(t, seoul, caseV, T.plus(Duration.ofHours(2)), "in");
        Officials.scanAt(t, seoul, there, T.plus(Duration.ofHours(2)).plusSeconds(60), "in");
        Officials.scanAt(t, seoul, there2, T.plus(Duration.ofHours(2)).plusSeconds(120), "in");
        Officials.scanAt(t, nowhere, caseV, T.plus(Duration.ofHours(4)), "in");
        Officials.scanAt(t, nowhere, there, T.plus(Duration.ofHours(4)).plusSeconds(60), "in");
        t.clock.set(T.plus(Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private JsonNode trace(String token) {
        TestApp.Response r = t.post("/api/traces", Officials.trace("010-1234-5678", T.minus(Duration.ofHours(1)),
                T.plus(Duration.ofHours(6)), 15, CASE), token);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private TestApp.Response list(String token, TestApp.Device d, Instant at) {
        return t.get("/api/venues/" + d.venueId() + "/visits?from=" + at.minusSeconds(60) + "&to=" + at.plusSeconds(180)
                + "&caseRef=" + CASE, token);
    }

    @Test
    void anOfficialOfAnotherRegionSeesCountsNotIdentitiesAndNoVenueListThere() {
        String gg = Officials.token(t, "gyeonggi");
        JsonNode trace = trace(gg);
        assertEquals(3, trace.path("visits").size(), "the case's own visits everywhere: " + trace);
        assertEquals(4, trace.path("contacts").size(), trace.toString());
        for (JsonNode c : trace.path("contacts")) {
            boolean inRegion = c.path("venueId").asText().equals(suwon.venueId());
            assertEquals(inRegion, c.has("sealedIdentity"), c.toString());
            assertFalse(c.path("visitorId").asText().isEmpty(), "pseudonymous ids stay, for notices");
        }
        assertEquals("[{\"region\":null,\"contacts\":1},{\"region\":\"KR-11\",\"contacts\":2}]",
                trace.path("contactsOutsideRegion").toString());

        assertEquals(200, list(gg, suwon, T).status(), "its own region, within the trace's reach");
        TestApp.Response seoulList = list(gg, seoul, T.plus(Duration.ofHours(2)));
        assertEquals(403, seoulList.status(), seoulList.body());
        assertEquals("forbidden", seoulList.text("error"));
        assertEquals(403, list(gg, nowhere, T.plus(Duration.ofHours(4))).status(), "no region: closed to regional");

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("caseRef", CASE);
        body.put("venueId", seoul.venueId());
        body.put("from", T.toString());
        body.put("to", T.plus(Duration.ofHours(3)).toString());
        body.put("reason", "wider window");
        TestApp.Response ask = t.post("/api/approvals", body, gg);
        assertEquals(403, ask.status(), "an approval does not widen a region: " + ask.body());
        assertEquals("forbidden", ask.text("error"));

        JsonNode session = t.get("/api/sessions/current", gg).json();
        assertEquals("gyeonggi", session.path("username").asText());
        assertEquals("[\"KR-41\"]", session.path("regions").toString());
        assertFalse(session.path("national").asBoolean());

        assertEquals(2, t.count("SELECT count(*) FROM audit_log WHERE official = 'gyeonggi'"
                + " AND action = 'GET /api/venues/{venueId}/visits' AND status = 403 AND error = 'forbidden'"
                + " AND visitor_ids = '[]'"));
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE official = 'gyeonggi'"
                + " AND action = 'POST /api/approvals' AND status = 403"));
        // the contacts returned without identity were still returned: their pages show the access
        JsonNode history = t.get("/api/visitors/" + there2.id() + "/history", there2.secret()).json();
        assertEquals(1, history.path("accesses").size(), history.toString());
    }

    @Test
    void aNationalOfficialSeesEveryIdentityAndEveryVenueList() {
        String nat = Officials.token(t, "national");
        JsonNode trace = trace(nat);
        for (JsonNode c : trace.path("contacts")) {
            assertTrue(c.has("sealedIdentity"), c.toString());
        }
        assertEquals(0, trace.path("contactsOutsideRegion").size());
        assertEquals(200, list(nat, seoul, T.plus(Duration.ofHours(2))).status());
        assertEquals(200, list(nat, nowhere, T.plus(Duration.ofHours(4))).status());
        JsonNode session = t.get("/api/sessions/current", nat).json();
        assertEquals("[]", session.path("regions").toString());
        assertTrue(session.path("national").asBoolean());
    }

    @Test
    void aTraceOfTheCaseByAnotherRegionsOfficialOpensTheListToTheVenuesOwnRegion() {
        // the national office traces; the Gyeonggi office works the same case in its region
        trace(Officials.token(t, "national"));
        String gg = Officials.token(t, "gyeonggi");
        assertEquals(200, list(gg, suwon, T).status());
        assertEquals(403, list(gg, seoul, T.plus(Duration.ofHours(2))).status());
    }
}
