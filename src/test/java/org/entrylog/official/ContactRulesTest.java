package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/** Who counts as a contact of a case, at the edges of the rules in docs/design.md. */
@Tag("slow")
@BothStores
class ContactRulesTest {
    @Parameter
    TestApp.Store store;

    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final String CASE_PHONE = "010-1234-5678";

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device door;
    TestApp.Device other;
    TestApp.Visitor caseV;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
        Officials.add(t, "kim");
        door = t.venueWithDevice("Cafe Door");
        other = t.venueWithDevice("Library");
        caseV = t.register("Case Person", CASE_PHONE);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private List<String> contactNames(JsonNode trace, List<TestApp.Visitor> visitors, List<String> names) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : trace.path("contacts")) {
            for (int i = 0; i < visitors.size(); i++) {
                if (visitors.get(i).id().equals(c.path("visitorId").asText())) {
                    out.add(names.get(i));
                }
            }
        }
        return out;
    }

    private JsonNode trace(int windowMinutes) {
        t.clock.set(T.plus(Duration.ofDays(1)));
        String token = Officials.token(t, "kim");
        TestApp.Response r = t.post("/api/traces", Officials.trace("+82 10 1234 5678", T.minus(Duration.ofHours(6)),
                T.plus(Duration.ofHours(6)), windowMinutes, "CASE-2026-0001"), token);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void inScansWithinTheWindowAreContactsToTheSecondAndNotBeyond() {
        Officials.scanAt(t, door, caseV, T, "in");
        TestApp.Visitor early = t.register("Early edge", "010-2000-0001");
        TestApp.Visitor tooEarly = t.register("Too early", "010-2000-0002");
        TestApp.Visitor late = t.register("Late edge", "010-2000-0003");
        TestApp.Visitor tooLate = t.register("Too late", "010-2000-0004");
        TestApp.Visitor elsewhere = t.register("Other venue", "010-2000-0005");
        Officials.scanAt(t, door, tooEarly, T.minus(Duration.ofMinutes(30)).minusSeconds(1), "in");
        Officials.scanAt(t, door, early, T.minus(Duration.ofMinutes(30)), "in");
        Officials.scanAt(t, other, elsewhere, T, "in");
        Officials.scanAt(t, door, late, T.plus(Duration.ofMinutes(30)), "in");
        Officials.scanAt(t, door, tooLate, T.plus(Duration.ofMinutes(30)).plusSeconds(1), "in");

        JsonNode trace = trace(30);
        assertEquals(List.of("Early edge", "Late edge"), contactNames(trace,
                List.of(early, tooEarly, late, tooLate, elsewhere),
                List.of("Early edge", "Too early", "Late edge", "Too late", "Other venue")));
        assertEquals(1, trace.path("visits").size());
        assertEquals("Cafe Door", trace.path("visits").get(0).path("venueName").asText());
        assertEquals(T.toString(), trace.path("visits").get(0).path("scannedAt").asText());
        assertEquals("CASE-2026-0001", trace.path("caseRef").asText());
    }

    @Test
    void aOneMinuteWiderWindowTakesInTheNextVisitor() {
        Officials.scanAt(t, door, caseV, T, "in");
        TestApp.Visitor v = t.register("Thirty-one", "010-2000-0011");
        Officials.scanAt(t, door, v, T.plus(Duration.ofMinutes(31)), "in");
        assertEquals(0, trace(30).path("contacts").size());
        assertEquals(1, trace(31).path("contacts").size());
    }

    @Test
    void theCaseIsNeverItsOwnContactEvenUnderAnotherRegistrationOrManualEntry() {
        Officials.scanAt(t, door, caseV, T, "in");
        TestApp.Visitor again = t.register("Case Person", "+821012345678");
        Officials.scanAt(t, door, again, T.plusSeconds(60), "in");
        t.clock.set(T.plusSeconds(120));
        TestApp.Response manual = t.post("/api/manual-entries",
                java.util.Map.of("name", "Case Person", "phone", "01012345678"), door.secret());
        assertEquals(201, manual.status(), manual.body());
        JsonNode trace = trace(30);
        assertEquals(0, trace.path("contacts").size(), trace.toString());
        assertEquals(3, trace.path("visits").size(), "all three rows of the case are its visits");
    }

    @Test
    void overlappingStaysAreContactsBeyondTheWindow() {
        // the case stays 12:00-15:00; window 10 minutes
        Officials.scanAt(t, door, caseV, T, "in");
        Officials.scanAt(t, door, caseV, T.plus(Duration.ofHours(3)), "out");
        TestApp.Visitor before = t.register("Came before, left during", "010-2000-0021");
        TestApp.Visitor during = t.register("Came during, no out", "010-2000-0022");
        TestApp.Visitor leftJustBefore = t.register("Left a second before", "010-2000-0023");
        TestApp.Visitor touching = t.register("Left as case came", "010-2000-0024");
        TestApp.Visitor after = t.register("Came after case left", "010-2000-0025");
        Officials.scanAt(t, door, before, T.minus(Duration.ofHours(2)), "in");
        Officials.scanAt(t, door, before, T.plus(Duration.ofHours(1)), "out");
        Officials.scanAt(t, door, leftJustBefore, T.minus(Duration.ofHours(2)), "in");
        Officials.scanAt(t, door, leftJustBefore, T.minusSeconds(1), "out");
        Officials.scanAt(t, door, touching, T.minus(Duration.ofHours(3)), "in");
        Officials.scanAt(t, door, touching, T, "out");
        Officials.scanAt(t, door, during, T.plus(Duration.ofHours(2)), "in");
        Officials.scanAt(t, door, after, T.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(11)), "in");

        JsonNode trace = trace(10);
        // in the order their presence began: 09:00, 10:00, 14:00
        assertEquals(List.of("Left as case came", "Came before, left during", "Came during, no out"),
                contactNames(trace, List.of(before, during, leftJustBefore, touching, after),
                        List.of("Came before, left during", "Came during, no out", "Left a second before",
                                "Left as case came", "Came after case left")));
        assertEquals(2, trace.path("visits").size());
        assertEquals("out", trace.path("visits").get(1).path("direction").asText());
    }

    @Test
    void anInWithinTheWindowOfTheCasesOutIsAContact() {
        Officials.scanAt(t, door, caseV, T, "in");
        Officials.scanAt(t, door, caseV, T.plus(Duration.ofHours(1)), "out");
        TestApp.Visitor v = t.register("Came as case left", "010-2000-0031");
        TestApp.Visitor w = t.register("Came a bit later", "010-2000-0032");
        Officials.scanAt(t, door, v, T.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(10)), "in");
        Officials.scanAt(t, door, w, T.plus(Duration.ofHours(1)).plus(Duration.ofMinutes(10)).plusSeconds(1), "in");
        JsonNode trace = trace(10);
        assertEquals(List.of("Came as case left"), contactNames(trace, List.of(v, w),
                List.of("Came as case left", "Came a bit later")));
    }

    @Test
    void scansOutsideFromToAreNotTheCasesVisits() {
        Officials.scanAt(t, door, caseV, T.minus(Duration.ofHours(7)), "in");
        TestApp.Visitor v = t.register("Near the old visit", "010-2000-0041");
        Officials.scanAt(t, door, v, T.minus(Duration.ofHours(7)), "in");
        JsonNode trace = trace(30);
        assertEquals(0, trace.path("visits").size());
        assertEquals(0, trace.path("contacts").size());
    }
    /** Gives a tablet an area, as its owner does on /venue. */
    private void area(TestApp.Device d, String area) {
        t.app.db.transaction(c -> {
            try (var ps = c.prepareStatement("UPDATE device SET area = ? WHERE public_id = ?")) {
                ps.setString(1, area);
                ps.setBytes(2, org.entrylog.common.Ids.decode(d.id(), 16));
                return ps.executeUpdate();
            }
        });
    }

    @Test
    void aTraceShowsEachContactsAreaAndTheCasesAndRanksTheCasesAreaFirst() {
        String code = t.app.venues.add("Garden Cafe", null).enrollmentCode();
        TestApp.Device terrace = t.enroll(code);
        TestApp.Device front = t.enroll(code);
        area(terrace, "terrace");
        area(front, "front door");
        TestApp.Visitor atTheDoor = t.register("At the door", "010-3000-0001");
        TestApp.Visitor onTheTerrace = t.register("On the terrace", "010-3000-0002");
        Officials.scanAt(t, front, atTheDoor, T.minus(Duration.ofMinutes(5)), "in");
        Officials.scanAt(t, terrace, caseV, T, "in");
        Officials.scanAt(t, terrace, onTheTerrace, T.plus(Duration.ofMinutes(5)), "in");

        JsonNode trace = trace(30);
        assertEquals("terrace", trace.path("visits").get(0).path("area").asText(), "the case's area");
        assertEquals(List.of("On the terrace", "At the door"), contactNames(trace, List.of(atTheDoor, onTheTerrace),
                List.of("At the door", "On the terrace")), "the same area first, though later");
        JsonNode first = trace.path("contacts").get(0);
        assertEquals("terrace", first.path("area").asText());
        assertEquals("terrace", first.path("caseArea").asText());
        assertEquals(true, first.path("sameArea").asBoolean());
        JsonNode second = trace.path("contacts").get(1);
        assertEquals("front door", second.path("area").asText());
        assertEquals("terrace", second.path("caseArea").asText());
        assertEquals(false, second.path("sameArea").asBoolean());
        assertEquals(true, t.app.db.read(org.entrylog.scan.ScanStore::verify).ok(), "rows with an area verify");

        // the CSV export carries the area too
        TestApp.Response csv = t.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(t.base + "/api/traces"))
                .header("Content-Type", "application/json").header("Accept", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(org.entrylog.common.Json.write(
                        Officials.trace("+82 10 1234 5678", T.minus(Duration.ofHours(6)), T.plus(Duration.ofHours(6)),
                                30, "CASE-2026-0001")))), Officials.token(t, "kim"));
        assertEquals(200, csv.status(), csv.body());
        String[] lines = csv.body().split("\r\n");
        assertEquals(true, lines[1].contains(",terrace,"), lines[1]);
        assertEquals(true, lines[2].contains(",terrace,true,"), lines[2]);
        assertEquals(true, lines[3].contains(",front door,false,"), lines[3]);
    }
}
