package org.entrylog.official;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.entrylog.common.Ids;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Exposure notices over real HTTP (docs/design.md, Exposure notices; docs/threat-model.md T46): a
 * notice reaches exactly the chosen contacts of a trace under the same caseRef, is audited, counted
 * on /transparency, acknowledged once by its owner only, and goes with its visit at retention.
 */
@Tag("slow")
@BothStores
class NoticesTest {
    @Parameter
    TestApp.Store store;

    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final String CASE = "CASE-2026-0042";

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device door;
    TestApp.Visitor caseV;
    TestApp.Visitor a;
    TestApp.Visitor b;
    TestApp.Visitor stranger;
    String kim;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
        Officials.add(t, "kim");
        Officials.add(t, "lee");
        door = t.venueWithDevice("Cafe 한빛");
        caseV = t.register("Case", "010-1234-5678");
        a = t.register("Contact A", "010-2222-0001");
        b = t.register("Contact B", "010-2222-0002");
        stranger = t.register("Later", "010-2222-0003");
        Officials.scanAt(t, door, caseV, T, "in");
        Officials.scanAt(t, door, a, T.plusSeconds(300), "in");
        Officials.scanAt(t, door, b, T.plusSeconds(600), "in");
        Officials.scanAt(t, door, stranger, T.plus(Duration.ofHours(5)), "in");
        t.clock.set(T.plus(Duration.ofDays(1)));
        kim = Officials.token(t, "kim");
        TestApp.Response trace = t.post("/api/traces", Officials.trace("010-1234-5678", T.minus(Duration.ofHours(1)),
                T.plus(Duration.ofHours(6)), 15, CASE), kim);
        assertEquals(200, trace.status(), trace.body());
        assertEquals(2, trace.json().path("contacts").size(), trace.body());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    static Map<String, Object> notice(String caseRef, String level, Object message, String... visitorIds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("caseRef", caseRef);
        m.put("visitorIds", List.of(visitorIds));
        m.put("level", level);
        if (message != null) {
            m.put("message", message);
        }
        return m;
    }

    JsonNode history(TestApp.Visitor v) {
        TestApp.Response r = t.get("/api/visitors/" + v.id() + "/history", v.secret());
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    @Test
    void aNoticeReachesExactlyTheChosenContactsIsAuditedAndCounted() {
        String lee = Officials.token(t, "lee"); // another official of the team: the trace was kim's
        String message = "<b>보건소</b> 1339 & call us";
        TestApp.Response sent = t.post("/api/notices", notice(CASE, "test", message, a.id()), lee);
        assertEquals(201, sent.status(), sent.body());
        assertEquals(1, sent.json().path("sent").asInt());

        JsonNode notices = history(a).path("notices");
        assertEquals(1, notices.size(), notices.toString());
        JsonNode n = notices.get(0);
        assertEquals("test", n.path("level").asText());
        assertEquals(message, n.path("message").asText(), "stored and answered as the text it is");
        assertEquals("Cafe 한빛", n.path("venueName").asText());
        assertEquals(T.plusSeconds(300).toString(), n.path("visitAt").asText(), "the contact's own overlapping visit");
        assertEquals(t.clock.instant().toString(), n.path("at").asText());
        assertTrue(n.path("acknowledgedAt").isNull());
        assertEquals(22, n.path("noticeId").asText().length());
        assertEquals(0, history(b).path("notices").size(), "another contact, not chosen");
        assertEquals(0, history(stranger).path("notices").size(), "not a contact");
        assertEquals(0, history(caseV).path("notices").size(), "the case itself");

        // audited: what, which case, how many, by whom; and shown among the accesses of the notified visitor only
        assertEquals(1, t.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/notices' AND status = 201"
                + " AND official = 'lee' AND case_ref = '" + CASE + "' AND query LIKE '%\"visitors\":1%'"
                + " AND query LIKE '%\"level\":\"test\"%'"));
        assertEquals(0, t.count("SELECT count(*) FROM audit_log WHERE query LIKE '%보건소%'"),
                "the message itself stays out of the audit log");
        assertEquals(2, history(a).path("accesses").size(), "the trace and the notice");
        assertEquals(1, history(b).path("accesses").size(), "the trace only");

        JsonNode month = t.get("/api/transparency", null).json().path("noticesPerMonth").get(0);
        assertEquals("2026-03", month.path("month").asText());
        assertEquals("<5", month.path("sent").asText());
        assertEquals(0, month.path("acknowledged").asInt());
        assertEquals("<5", t.get("/api/transparency", null).json().path("queriesPerMonth").get(0)
                .path("recordsReturned").asText(), "the trace's three visitors; the notice returns no record");
    }

    @Test
    void aNoticeIsAcknowledgedOnceAndOnlyByItsOwner() {
        assertEquals(201, t.post("/api/notices", notice(CASE, "isolate", null, a.id(), b.id()), kim).status());
        String id = history(a).path("notices").get(0).path("noticeId").asText();
        String path = "/api/visitors/" + a.id() + "/notices/" + id + "/acknowledge";
        assertEquals(404, t.post("/api/visitors/" + b.id() + "/notices/" + id + "/acknowledge", "", b.secret()).status(),
                "another visitor's notice is the same as none");
        assertEquals(401, t.post(path, "", b.secret()).status(), "another visitor's secret");
        assertEquals(401, t.post(path, "", null).status());
        assertEquals(404, t.post("/api/visitors/" + a.id() + "/notices/" + Ids.encode(new byte[16]) + "/acknowledge",
                "", a.secret()).status());
        assertEquals(404, t.post("/api/visitors/" + a.id() + "/notices/nonsense/acknowledge", "", a.secret()).status());
        Instant ackAt = t.clock.instant().plusSeconds(60);
        t.clock.set(ackAt);
        TestApp.Response ack = t.post(path, "", a.secret());
        assertEquals(200, ack.status(), ack.body());
        assertEquals(ackAt.toString(), ack.text("acknowledgedAt"));
        t.clock.set(ackAt.plusSeconds(60));
        TestApp.Response again = t.post(path, "", a.secret());
        assertEquals(200, again.status());
        assertEquals(ackAt.toString(), again.text("acknowledgedAt"), "idempotent: the first time stays");
        assertEquals(ackAt.toString(), history(a).path("notices").get(0).path("acknowledgedAt").asText());
        assertTrue(history(b).path("notices").get(0).path("acknowledgedAt").isNull(), "B's own notice is untouched");
        JsonNode month = t.get("/api/transparency", null).json().path("noticesPerMonth").get(0);
        assertEquals("<5", month.path("acknowledged").asText());
        assertEquals(1, t.count("SELECT acknowledged FROM notice_month"), "counted once");

        // the database allows nothing else: no second acknowledgement, no edit of what was sent
        assertThrows(RuntimeException.class, () -> t.app.db.transaction(c -> c.createStatement().executeUpdate(
                "UPDATE notice SET message = 'changed' WHERE acknowledged_at IS NULL")));
        assertThrows(RuntimeException.class, () -> t.app.db.transaction(c -> c.createStatement().executeUpdate(
                "UPDATE notice SET acknowledged_at = acknowledged_at + 1 WHERE acknowledged_at IS NOT NULL")));
        assertThrows(RuntimeException.class, () -> t.app.db.transaction(c -> c.createStatement().executeUpdate(
                "DELETE FROM notice")), "outside a purge");
    }

    @Test
    void anIdThatIsNotAContactOfThisCasesTraceIsRefusedAndNothingIsSent() {
        assertRefused(403, "forbidden", notice(CASE, "test", null, stranger.id()), kim, "not a contact");
        assertRefused(403, "forbidden", notice(CASE, "test", null, a.id(), stranger.id()), kim, "one bad id of two");
        assertRefused(403, "forbidden", notice(CASE, "test", null, caseV.id()), kim, "the case itself");
        assertRefused(403, "forbidden", notice("CASE-2026-0099", "test", null, a.id()), kim, "no trace of that case");
        assertRefused(403, "forbidden", notice(CASE, "test", null, Ids.encode(Ids.newId())), kim, "unknown id");
        assertEquals(0, t.count("SELECT count(*) FROM notice"));
        assertEquals(5, t.count("SELECT count(*) FROM audit_log WHERE action = 'POST /api/notices' AND status = 403"),
                "each refusal is audited");
        assertEquals(0, t.count("SELECT count(*) FROM notice_month"));
    }

    @Test
    void badLevelsMessagesAndIdListsAre400AndOtherRolesAreRefused() {
        assertRefused(400, "bad_request", notice(CASE, "panic", null, a.id()), kim, "level");
        assertRefused(400, "bad_request", notice(CASE, "test", "x".repeat(281), a.id()), kim, "281 characters");
        assertRefused(400, "bad_request", notice(CASE, "test", "line\nbreak", a.id()), kim, "control character");
        assertRefused(400, "bad_request", notice(CASE, "test", "\u202Eevil", a.id()), kim, "bidi override");
        assertRefused(400, "bad_request", notice(CASE, "test", 42, a.id()), kim, "message not text");
        assertRefused(400, "bad_request", notice(CASE, "test", null), kim, "no visitors");
        assertRefused(400, "bad_request", notice(CASE, "test", null, a.id(), a.id()), kim, "duplicate");
        assertRefused(400, "bad_request", notice(CASE, "test", null, "not-an-id"), kim, "malformed id");
        assertRefused(400, "bad_request", notice("Kim Minsu", "test", null, a.id()), kim, "a name as caseRef");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < NoticeController.MAX_VISITORS + 1; i++) {
            many.add(Ids.encode(Ids.newId()));
        }
        assertRefused(400, "bad_request", notice(CASE, "test", null, many.toArray(String[]::new)), kim, "too many");
        Map<String, Object> unknown = notice(CASE, "test", null, a.id());
        unknown.put("html", true);
        assertRefused(400, "bad_request", unknown, kim, "unknown field");
        assertEquals(201, t.post("/api/notices", notice(CASE, "test", "가".repeat(280), a.id()), kim).status(),
                "280 characters are allowed");

        assertRefused(401, "unauthorized", notice(CASE, "test", null, b.id()), null, "anonymous");
        assertRefused(401, "unauthorized", notice(CASE, "test", null, b.id()), b.secret(), "a visitor");
        assertRefused(401, "unauthorized", notice(CASE, "test", null, b.id()), door.secret(), "a device");
        assertEquals(0, history(b).path("notices").size());
    }

    @Test
    void aNoticeGoesWithTheVisitItRefersToAtRetention() {
        assertEquals(201, t.post("/api/notices", notice(CASE, "test", null, a.id(), b.id()), kim).status());
        assertEquals(2, t.count("SELECT count(*) FROM notice"));
        // A's visit is at T+300 s: a purge whose cut-off is exactly that keeps it (older than, not as old as)
        t.app.purger.purge(T.plusSeconds(300).plus(Duration.ofDays(28)), Duration.ofSeconds(30));
        assertEquals(2, t.count("SELECT count(*) FROM notice"));
        assertEquals(1, history(a).path("notices").size());
        t.app.purger.purge(T.plusSeconds(301).plus(Duration.ofDays(28)), Duration.ofSeconds(30));
        assertEquals(1, t.count("SELECT count(*) FROM notice"), "A's notice went with A's visit; B's (T+600 s) stays");
        assertEquals(0, t.count("SELECT count(*) FROM notice WHERE visit_at < "
                + T.plusSeconds(301).toEpochMilli()));
        assertEquals(1, t.count("SELECT count(*) FROM trace_contact"), "what the trace found about A went too");
        assertEquals(1, history(b).path("notices").size());
        TestApp.Response gone = t.get("/api/visitors/" + a.id() + "/history", a.secret());
        assertTrue(gone.status() == 401 || gone.json().path("notices").isEmpty(), "gone from A's page: " + gone.body());
        assertEquals(2, t.count("SELECT sent FROM notice_month"), "the monthly count stays: aggregates only");
    }

    @Test
    void aPurgeThatTakesTheVisitsWholeDayTakesItsNoticesAndWhatTheTraceFoundInTheSamePurge() {
        assertEquals(201, t.post("/api/notices", notice(CASE, "isolate", null, a.id(), b.id()), kim).status());
        // every scan is on 2 March: a cut-off at the end of that day takes the whole day (on PostgreSQL
        // its partition is dropped, so no row trigger sees those scans go)
        t.app.purger.purge(Instant.parse("2026-03-03T00:00:00Z").plus(Duration.ofDays(28)), Duration.ofSeconds(30));
        assertEquals(0, t.count("SELECT count(*) FROM scan_log"));
        if (store == TestApp.Store.POSTGRES) {
            assertEquals(0, t.count("SELECT count(*) FROM pg_class WHERE relname = 'scan_log_d20260302'"),
                    "the day went by its partition");
        }
        assertEquals(0, t.count("SELECT count(*) FROM notice"));
        assertEquals(0, t.count("SELECT count(*) FROM trace_contact"));
        assertEquals(0, t.count("SELECT count(*) FROM trace_reach"));
        assertEquals(1, t.count("SELECT count(*) FROM purge WHERE outcome = 'done'"), "one purge took them all");
        assertEquals(2, t.count("SELECT sent FROM notice_month"));
    }

    private void assertRefused(int status, String code, Map<String, Object> body, String bearer, String what) {
        TestApp.Response r = t.post("/api/notices", body, bearer);
        assertEquals(status, r.status(), what + ": " + r.body());
        assertEquals(code, r.text("error"), what);
    }
}
