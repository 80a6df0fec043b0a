package org.entrylog.owner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.entrylog.official.Officials;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A venue owner over real HTTP: signs in with password and TOTP at POST /api/sessions, sees their
 * venue's occupancy follow entries and exits, and gets the same 404 for another venue as for one
 * that does not exist; the official API and visit lists refuse them.
 */
class OwnerApiTest {
    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device cafe;
    TestApp.Device bar;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        cafe = t.enroll(t.app.venues.add("Cafe", null, null, 50, null).enrollmentCode());
        bar = t.venueWithDevice("Bar");
        Owners.add(t, "cafe.owner", cafe.venueId());
        Officials.add(t, "kim");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private TestApp.Response occupancy(String venueId, String bearer) {
        return t.get("/api/venues/" + venueId + "/occupancy", bearer);
    }

    private void scan(TestApp.Visitor v, String direction) {
        TestApp.Response r = t.post("/api/scans", Map.of("token", t.pass(v), "direction", direction), cafe.secret());
        assertEquals(201, r.status(), r.body());
        t.clock.advance(java.time.Duration.ofSeconds(5));
    }

    @Test
    void anOwnerSignsInWithTheSecondFactorAndWatchesOccupancy() {
        assertEquals(401, Officials.login(t, "cafe.owner", Officials.PASSWORD, "000000").status());
        assertEquals(401, Officials.login(t, "cafe.owner", "wrong password!!").status());
        String token = Owners.token(t, "cafe.owner");

        JsonNode venues = t.get("/api/owner/venues", token).json();
        assertEquals(1, venues.path("venues").size());
        JsonNode v = venues.path("venues").get(0);
        assertEquals(cafe.venueId(), v.path("venueId").asText());
        assertEquals("Cafe", v.path("name").asText());
        assertEquals(0, v.path("inside").asInt());
        assertEquals(50, v.path("capacity").asInt());
        assertEquals(0, v.path("scansToday").asInt());

        TestApp.Visitor a = t.register("Hong Gildong", "010-1234-5678");
        TestApp.Visitor b = t.register("Kim Cheolsu", "010-2222-3333");
        scan(a, "in");
        scan(b, "in");
        TestApp.Response two = occupancy(cafe.venueId(), token);
        assertEquals(200, two.status(), two.body());
        assertEquals(2, two.json().path("inside").asInt());
        assertEquals(50, two.json().path("capacity").asInt());
        assertEquals(t.clock.instant().toString(), two.text("asOf"));
        scan(a, "out");
        assertEquals(1, occupancy(cafe.venueId(), token).json().path("inside").asInt());
        // the venue's own tablet reads the same number
        assertEquals(1, occupancy(cafe.venueId(), cafe.secret()).json().path("inside").asInt());

        // the operator's view: one tablet scanned in the last hour (a count, no ids); an hour later none
        assertTrue(t.get("/metrics", null).body().contains("entrylog_tablets_seen_tablets 1.0"));

        TestApp.Response list = t.get("/api/owner/venues", token);
        assertEquals(1, list.json().path("venues").get(0).path("inside").asInt());
        assertEquals(3, list.json().path("venues").get(0).path("scansToday").asInt());
        // counts only: no visitor's id, name or phone anywhere in the owner's answers
        for (String body : new String[] {list.body(), two.body()}) {
            for (String secret : new String[] {a.id(), b.id(), "Hong", "010", "visitor"}) {
                assertFalse(body.contains(secret), body);
            }
        }
        t.clock.advance(java.time.Duration.ofHours(1).plusSeconds(1));
        assertTrue(t.get("/metrics", null).body().contains("entrylog_tablets_seen_tablets 0.0"));
    }

    @Test
    void anotherVenueIsTheSame404AsNoVenueForOwnersAndTablets() {
        String token = Owners.token(t, "cafe.owner");
        TestApp.Response other = occupancy(bar.venueId(), token);
        TestApp.Response none = occupancy("AAAAAAAAAAAAAAAAAAAAAA", token);
        TestApp.Response junk = occupancy("not-an-id", token);
        TestApp.Response otherTablet = occupancy(cafe.venueId(), bar.secret());
        for (TestApp.Response r : new TestApp.Response[] {other, none, junk, otherTablet}) {
            assertEquals(404, r.status(), r.body());
            assertEquals(none.json().path("error"), r.json().path("error"));
            assertEquals(none.json().path("message"), r.json().path("message"));
        }
        assertEquals(200, occupancy(bar.venueId(), bar.secret()).status());

        // the door kit's visitor poster: the server's QR to /pass for the owner's venue, the same 404 otherwise
        TestApp.Response poster = t.get("/api/owner/venues/" + cafe.venueId() + "/poster", token);
        assertEquals(200, poster.status(), poster.body());
        assertEquals(t.base + "/pass", poster.text("passUrl"));
        assertEquals(t.base + "/pass", org.entrylog.testing.QrImages.decodeDataUrl(poster.text("passQrPng")));
        TestApp.Response otherPoster = t.get("/api/owner/venues/" + bar.venueId() + "/poster", token);
        assertEquals(404, otherPoster.status());
        assertEquals(none.json().path("message"), otherPoster.json().path("message"));
    }

    @Test
    void theOfficialApiAndVisitListsRefuseAnOwnerAndTheOwnerApiAnOfficial() {
        String owner = Owners.token(t, "cafe.owner");
        assertEquals(401, t.get("/api/venues/" + cafe.venueId() + "/visits?from=2026-03-01T00:00:00Z"
                + "&to=2026-03-02T10:00:00Z&caseRef=CASE-1", owner).status());
        assertEquals(401, t.post("/api/traces", Officials.trace("010-1234-5678",
                java.time.Instant.parse("2026-03-01T00:00:00Z"), java.time.Instant.parse("2026-03-02T10:00:00Z"),
                30, "CASE-1"), owner).status());
        assertEquals(401, t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/sessions/current")).DELETE(), owner)
                .status());
        String official = Officials.token(t, "kim");
        assertEquals(401, t.get("/api/owner/venues", official).status());
        assertEquals(401, occupancy(cafe.venueId(), official).status());

        assertEquals(204, t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/owner/sessions/current")).DELETE(),
                owner).status());
        assertEquals(401, t.get("/api/owner/venues", owner).status());
        assertTrue(t.count("SELECT count(*) FROM venue_owner") == 1);
    }
}
