package org.entrylog.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.retention.PurgeLog;
import org.entrylog.chain.LogVerifier;
import org.entrylog.audit.AuditLog;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.Cli;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * The audit of officials' requests: allowed and refused queries are entries with who, when,
 * caseRef and the query (phone only hashed); a visitor's history shows the accesses to them and
 * to no one else; the audit chain verifies, resists edits, and survives a purge.
 */
@Tag("slow")
@BothStores
class AuditTrailTest {
    @Parameter
    TestApp.Store store;

    static final Instant T = Instant.parse("2026-03-02T12:00:00Z");
    static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device door;
    TestApp.Visitor caseV;
    TestApp.Visitor contact;
    TestApp.Visitor bystander;
    String token;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
        org.entrylog.official.Officials.add(t, "kim");
        door = t.venueWithDevice("Cafe");
        TestApp.Device far = t.venueWithDevice("Far away");
        caseV = t.register("Case", "010-1234-5678");
        contact = t.register("Contact", "010-2222-3333");
        bystander = t.register("Bystander", "010-4444-5555");
        scan(door, caseV, T);
        scan(door, contact, T.plusSeconds(300));
        scan(far, bystander, T.plusSeconds(300));
        t.clock.set(T.plus(Duration.ofDays(1)));
        token = org.entrylog.official.Officials.login(t, "kim", PASSWORD).text("token");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private void scan(TestApp.Device d, TestApp.Visitor v, Instant at) {
        t.clock.set(at);
        assertEquals(201, t.scan(d, t.pass(v)).status());
    }

    private Map<String, Object> trace(String caseRef) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phone", "+82 10 1234 5678");
        m.put("from", T.minus(Duration.ofHours(1)).toString());
        m.put("to", T.plus(Duration.ofHours(1)).toString());
        m.put("windowMinutes", 15);
        if (caseRef != null) {
            m.put("caseRef", caseRef);
        }
        return m;
    }

    private JsonNode auditCommand(String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = extra.length > 0 && extra[0].equals("verify") ? "verify" : "audit";
        args[1] = "--data";
        args[2] = dir.toString();
        int from = args[0].equals("verify") ? 1 : 0;
        System.arraycopy(extra, from, args, 3, extra.length - from);
        return Cli.withEnv(t.sameStore(), java.util.Arrays.copyOf(args, args.length - from)).json();
    }

    @Test
    void anAllowedTraceIsAuditedWithWhoWhenCaseAndTheHashedPhoneOnly() {
        TestApp.Response r = t.post("/api/traces", trace("CASE-2026-0001"), token);
        assertEquals(200, r.status(), r.body());
        JsonNode entries = auditCommand().path("entries");
        JsonNode e = entries.get(entries.size() - 1);
        assertEquals("kim", e.path("official").asText());
        assertEquals("POST /api/traces", e.path("action").asText());
        assertEquals("CASE-2026-0001", e.path("caseRef").asText());
        assertEquals(200, e.path("status").asInt());
        assertEquals(T.plus(Duration.ofDays(1)).toString(), e.path("at").asText());
        String expectedHash = HexFormat.of().formatHex(t.app.phoneHasher.hash("+821012345678"));
        assertEquals(expectedHash, e.path("query").path("phoneHash").asText());
        assertEquals(15, e.path("query").path("windowMinutes").asInt());
        assertEquals(2, e.path("visitorIds").size(), "the case and its contact");
        assertTrue(e.path("visitorIds").toString().contains(caseV.id()));
        assertTrue(e.path("visitorIds").toString().contains(contact.id()));
        // nothing readable about a person anywhere in the audit tables
        assertEquals(0, t.count("SELECT count(*) FROM audit_log WHERE query LIKE '%1234%' OR query LIKE '%5678%'"));
    }

    @Test
    void refusedQueriesAreAuditedWithTheirStatus() {
        assertEquals(400, t.post("/api/traces", trace(null), token).status(), "no caseRef");
        assertEquals(400, t.post("/api/traces", trace("John Smith"), token).status(), "not a case reference");
        Map<String, Object> old = trace("CASE-2026-0002");
        old.put("from", t.clock.instant().minus(Duration.ofDays(29)).toString());
        TestApp.Response outside = t.post("/api/traces", old, token);
        assertEquals(403, outside.status(), "outside the 28-day retention");
        Map<String, Object> reversed = trace("CASE-2026-0003");
        reversed.put("from", T.plusSeconds(1).toString());
        reversed.put("to", T.toString());
        assertEquals(400, t.post("/api/traces", reversed, token).status(), "from after to");
        Map<String, Object> wide = trace("CASE-2026-0004");
        wide.put("windowMinutes", 100000);
        assertEquals(400, t.post("/api/traces", wide, token).status(), "window out of range");
        assertEquals(400, t.get("/api/venues/" + door.venueId() + "/visits?from=" + T + "&to=" + T, token).status());
        assertEquals(401, t.post("/api/traces", trace("CASE-2026-0005"), null).status());

        JsonNode entries = auditCommand().path("entries");
        assertEquals(8, entries.size(), "login + 7 requests: " + entries);
        assertEquals("[201,400,400,403,400,400,400,401]", statuses(entries));
        assertEquals("forbidden", entries.get(3).path("error").asText());
        assertEquals("CASE-2026-0002", entries.get(3).path("caseRef").asText());
        assertTrue(entries.get(2).path("caseRef").isNull(), "an invalid caseRef is not stored");
        assertTrue(entries.get(7).path("official").isNull());
        assertTrue(entries.get(7).path("caseRef").isNull(), "nothing of an anonymous caller's input is stored");
        for (JsonNode e : entries) {
            if (e.path("status").asInt() >= 400) {
                assertEquals(0, e.path("visitorIds").size());
            }
        }
        assertEquals(0, t.get("/api/visitors/" + caseV.id() + "/history", caseV.secret()).json()
                .path("accesses").size(), "refused queries accessed no one");
    }

    /** The id of the one open purge row, which the test inserted. */
    private static long openPurge(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id FROM purge WHERE finished_at IS NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the purger does for the audit log inside its purge {@code purgeId}. */
    private static long purgeAudit(Connection c, long purgeId, long cutoff) throws SQLException {
        PurgeLog.auditCutoff(c, purgeId, cutoff);
        long n = AuditLog.deleteOlderThan(c, purgeId, cutoff);
        PurgeLog.add(c, purgeId, PurgeLog.Count.AUDIT, n);
        return n;
    }

    private static String statuses(JsonNode entries) {
        StringBuilder sb = new StringBuilder("[");
        for (JsonNode e : entries) {
            sb.append(sb.length() > 1 ? "," : "").append(e.path("status").asInt());
        }
        return sb.append(']').toString();
    }

    @Test
    void historyShowsTheAccessToTheVisitorsConcernedAndToNobodyElse() {
        assertEquals(200, t.post("/api/traces", trace("CASE-2026-0001"), token).status());
        // a venue list within the trace's reach (the case's visit at T), under the trace's caseRef
        assertEquals(200, t.get("/api/venues/" + door.venueId() + "/visits?from=" + T + "&to=" + T
                + "&caseRef=CASE-2026-0001", token).status());
        JsonNode caseHistory = t.get("/api/visitors/" + caseV.id() + "/history", caseV.secret()).json();
        assertEquals(1, caseHistory.path("visits").size());
        assertEquals("Cafe", caseHistory.path("visits").get(0).path("venueName").asText());
        assertEquals(T.toString(), caseHistory.path("visits").get(0).path("scannedAt").asText());
        assertEquals("in", caseHistory.path("visits").get(0).path("direction").asText());
        // newest first: the venue query (which returned only the case's scan at T), then the trace
        assertEquals(2, caseHistory.path("accesses").size(), caseHistory.toString());
        assertEquals("CASE-2026-0001", caseHistory.path("accesses").get(0).path("caseRef").asText());
        assertEquals("CASE-2026-0001", caseHistory.path("accesses").get(1).path("caseRef").asText());
        assertEquals(T.plus(Duration.ofDays(1)).toString(), caseHistory.path("accesses").get(1).path("at").asText());

        JsonNode contactHistory = t.get("/api/visitors/" + contact.id() + "/history", contact.secret()).json();
        assertEquals(1, contactHistory.path("accesses").size(), contactHistory.toString());
        assertEquals("CASE-2026-0001", contactHistory.path("accesses").get(0).path("caseRef").asText());

        JsonNode bystanderHistory = t.get("/api/visitors/" + bystander.id() + "/history", bystander.secret()).json();
        assertEquals(1, bystanderHistory.path("visits").size());
        assertEquals(0, bystanderHistory.path("accesses").size());
    }

    @Test
    void theAuditChainVerifiesAndTheVerifyCommandReportsIt() {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        t.post("/api/traces", trace(null), token);
        LogVerifier.Result r = t.app.db.read(AuditLog::verify);
        assertTrue(r.ok(), r.toString());
        assertEquals(3, r.entries());
        JsonNode verify = auditCommand("verify");
        assertTrue(verify.path("ok").asBoolean(), verify.toString());
        assertEquals(3, verify.path("entries").asInt(), "entries still counts scan_log rows");
        assertTrue(verify.path("audit").path("ok").asBoolean());
        assertEquals(3, verify.path("audit").path("entries").asInt());
    }

    @Test
    void theDatabaseRefusesEditsAndDeletesOfAuditRows() {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        SQLException update = assertThrows(SQLException.class, () -> exec("UPDATE audit_log SET case_ref = 'X-1' WHERE seq = 2"));
        assertTrue(update.getMessage().contains("append-only"));
        assertThrows(SQLException.class, () -> exec("DELETE FROM audit_log WHERE seq = 1"));
        assertThrows(SQLException.class, () -> exec("DELETE FROM audit_access"));
        assertThrows(SQLException.class, () -> exec("UPDATE audit_access SET visitor = " + store.bytes("00")));
    }

    @Test
    void verifyNamesAnEditedAuditEntryOnceTheTriggerIsDroppedOffline() throws Exception {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        t.post("/api/traces", trace("CASE-2026-0002"), token);
        exec(store.dropTrigger("audit_log_no_update", "audit_log"),
                "UPDATE audit_log SET case_ref = 'CASE-2026-9999' WHERE seq = 2");
        JsonNode verify = auditCommand("verify");
        assertFalse(verify.path("ok").asBoolean(), verify.toString());
        assertTrue(verify.path("audit").path("problem").asText().contains("altered"), verify.toString());
        assertEquals(2, verify.path("audit").path("firstBadEntry").asInt());
    }

    @Test
    void verifyNoticesAHiddenAccess() throws Exception {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        exec(store.dropTrigger("audit_access_delete_only_expired", "audit_access"), "DELETE FROM audit_access");
        LogVerifier.Result r = t.app.db.read(AuditLog::verify);
        assertFalse(r.ok());
        assertTrue(r.problem().contains("audit_access"), r.problem());
    }

    @Test
    void aPurgeRemovesOnlyAuditEntriesOlderThanItsCutoffAndTheChainStillVerifies() throws Exception {
        t.post("/api/traces", trace("CASE-2026-0001"), token); // seq 2, at T+1d
        t.clock.advance(Duration.ofDays(10));
        String later = org.entrylog.official.Officials.login(t, "kim", PASSWORD).text("token");
        t.post("/api/traces", trace(null), later); // seq 4, at T+11d (refused, but audited)
        long cutoff = T.plus(Duration.ofDays(5)).toEpochMilli();

        // outside a purge nothing goes
        assertThrows(IllegalStateException.class, () -> t.app.db.transaction(c -> purgeAudit(c, 1, cutoff)));
        long deleted = t.app.db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO purge(as_of, cutoff, started_at) VALUES (" + t.clock.millis() + ", 0, "
                        + t.clock.millis() + ")");
            }
            long n = purgeAudit(c, openPurge(c), cutoff);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE purge SET finished_at = " + t.clock.millis() + " WHERE finished_at IS NULL");
            }
            return n;
        });
        assertEquals(2, deleted);
        assertEquals(2, t.count("SELECT count(*) FROM audit_log"));
        assertEquals(0, t.count("SELECT count(*) FROM audit_access"), "the trace's accesses went with it");
        assertEquals(2, t.count("SELECT purged_audit FROM purge"));
        LogVerifier.Result r = t.app.db.read(AuditLog::verify);
        assertTrue(r.ok(), r.toString());
        assertEquals(1, r.purgeCuts());
        assertThrows(SQLException.class, () -> exec("UPDATE purge SET audit_cutoff = 0"));

        // a later entry still links to the chain
        t.post("/api/traces", trace("CASE-2026-0003"), later);
        assertTrue(t.app.db.read(AuditLog::verify).ok());
    }

    @Test
    void aPurgeThatEmptiesTheAuditLogLeavesAChainTheNextEntryContinues() {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        long cutoff = t.clock.millis() + 1;
        t.app.db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO purge(as_of, cutoff, started_at) VALUES (0, 0, 0)");
            }
            long n = purgeAudit(c, openPurge(c), cutoff);
            try (Statement s = c.createStatement()) {
                s.execute("UPDATE purge SET finished_at = 1");
            }
            return n;
        });
        assertEquals(0, t.count("SELECT count(*) FROM audit_log"));
        t.clock.advance(Duration.ofMinutes(1));
        assertEquals(200, t.post("/api/traces", trace("CASE-2026-0002"), token).status());
        LogVerifier.Result r = t.app.db.read(AuditLog::verify);
        assertTrue(r.ok(), r.toString());
        assertEquals(3, t.count("SELECT seq FROM audit_log"), "positions are never reused");
    }

    @Test
    void theAuditCommandFiltersByTime() {
        t.post("/api/traces", trace("CASE-2026-0001"), token);
        t.clock.advance(Duration.ofMinutes(20)); // within the session's idle limit
        assertEquals(200, t.post("/api/traces", trace("CASE-2026-0002"), token).status());
        JsonNode all = auditCommand();
        assertEquals(3, all.path("count").asInt());
        JsonNode late = auditCommand("--from", T.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(10)).toString());
        assertEquals(1, late.path("count").asInt());
        assertEquals("CASE-2026-0002", late.path("entries").get(0).path("caseRef").asText());
        JsonNode early = auditCommand("--to", T.plus(Duration.ofDays(1)).toString());
        assertEquals(2, early.path("count").asInt());
    }

    private void exec(String... sql) throws SQLException {
        try (Connection c = t.connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }
}
