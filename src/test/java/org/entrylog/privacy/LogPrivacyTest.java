package org.entrylog.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.Cli;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * docs/threat-model.md T36, docs/conventions.md §4: every log event of a whole run — start on an empty folder, the
 * commands, registration, enrollment, passes, accepted, duplicate, refused and expired scans,
 * batches, manual entries, malformed bodies that carry a name and a phone, and a storage fault
 * that makes the server log errors — is captured from the root logger (with {@code org.entrylog}
 * turned up to TRACE, so debug lines count too) and holds no name, no phone number in any
 * notation, no pass, no visitor or device secret and no enrollment code.
 */
class LogPrivacyTest {
    private static final String NAME = "Zebulon Quixote";
    private static final String HANGUL = "홍길동";

    @TempDir
    Path dir;

    @Test
    void noPersonalDataOrSecretReachesAnyLogLineThroughEveryFlow() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger ours = ctx.getLogger("org.entrylog");
        Level before = ours.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(ctx);
        captured.start();
        root.addAppender(captured);
        ours.setLevel(Level.TRACE);
        List<String> secrets = new ArrayList<>();
        try {
            var venue = Cli.run("venue", "add", "--data", dir.toString(), "--name", "Cafe Privacy");
            assertEquals(0, venue.exit());
            secrets.add(venue.json().path("enrollmentCode").asText());
            MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
            try (TestApp t = new TestApp(dir, clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"))) {
                Visitor v = t.register(NAME, "010-9182-7364");
                secrets.add(v.secret());
                Device d = t.enroll(venue.json().path("enrollmentCode").asText());
                secrets.add(d.secret());
                Device other = t.venueWithDevice("Elsewhere");
                secrets.add(other.secret());
                // the happy path, a duplicate, the same pass elsewhere, a damaged pass
                String token = t.pass(v);
                secrets.add(token);
                assertEquals(201, t.scan(d, token).status());
                assertEquals(200, t.scan(d, token).status());
                assertEquals(409, t.scan(other, token).status());
                assertEquals(400, t.scan(d, token.substring(1)).status());
                assertEquals(422, t.scan(d, token.substring(0, 150) + "AAAAAAAAA").status());
                // an expired pass, and one scanned beyond the offline window
                String old = t.pass(v);
                secrets.add(old);
                clock.advance(Duration.ofMinutes(5));
                assertEquals(422, t.scan(d, old).status());
                String fresh = t.pass(v);
                secrets.add(fresh);
                assertEquals(400, t.post("/api/scans", Map.of("token", fresh, "scannedAt", "2026-02-01T00:00:00Z"),
                        d.secret()).status());
                // a batch with good and bad items
                String b1 = t.pass(v);
                secrets.add(b1);
                Response batch = t.post("/api/scans/batch", "{\"scans\":[{\"token\":\"" + b1 + "\"},{\"token\":\"" + token
                        + "\"},{\"token\":\"" + NAME + "\"},{\"name\":\"" + NAME + "\"}]}", d.secret());
                assertEquals(200, batch.status());
                // manual entry; then bodies carrying a name and a phone that are refused
                assertEquals(201, t.post("/api/manual-entries", Map.of("name", HANGUL, "phone", "+82 10 7364 9182"),
                        d.secret()).status());
                assertEquals(400, t.post("/api/visitors", "{\"name\":\"" + NAME + "\",\"phone\":\"01091827364\"",
                        null).status());
                assertEquals(400, t.post("/api/visitors", "{\"name\":\"" + NAME + "\",\"phone\":\"010-9182-7364\","
                        + "\"" + NAME + "\":1}", null).status());
                assertEquals(400, t.post("/api/visitors", Map.of("name", NAME + "\u0000", "phone", "01091827364"), null)
                        .status());
                assertEquals(400, t.post("/api/visitors", Map.of("name", NAME, "phone", "9182-7364-" + NAME), null)
                        .status());
                assertEquals(401, t.post("/api/devices", Map.of("enrollmentCode", NAME), null).status());
                assertEquals(401, t.post("/api/scans", Map.of("token", token), v.secret()).status());
                assertEquals(401, t.post("/api/visitors/" + v.id() + "/passes", "", d.secret()).status());
                // a storage fault: the disk fills up, the server logs errors and answers 503
                Connection w = t.app.db.writer();
                synchronized (w) {
                    try (Statement s = w.createStatement()) {
                        s.execute("PRAGMA max_page_count = 1");
                    }
                }
                int unavailable = 0;
                for (int i = 0; i < 200 && unavailable < 3; i++) {
                    String p = t.pass(v);
                    secrets.add(p);
                    Response r = t.scan(d, p);
                    if (r.status() == 503) {
                        unavailable++;
                    }
                    if (t.post("/api/manual-entries", Map.of("name", HANGUL, "phone", "+82 10 7364 9182"), d.secret())
                            .status() == 503) {
                        unavailable++;
                    }
                    if (t.post("/api/visitors", Map.of("name", NAME, "phone", "010-9182-7364"), null).status() == 503) {
                        unavailable++;
                    }
                }
                assertTrue(unavailable >= 3, "the full disk was reached");
                synchronized (w) {
                    try (Statement s = w.createStatement()) {
                        s.execute("PRAGMA max_page_count = 1073741823");
                    }
                }
            }
            assertEquals(0, Cli.run("verify", "--data", dir.toString()).exit());
        } finally {
            root.detachAppender(captured);
            ours.setLevel(before);
        }

        List<String> needles = new ArrayList<>(List.of(NAME, "Zebulon", "Quixote", HANGUL,
                "010-9182-7364", "01091827364", "+821091827364", "821091827364", "1091827364", "9182-7364",
                "9182 7364", "91827364", "+82 10 7364 9182", "821073649182", "1073649182", "73649182", "7364 9182"));
        needles.addAll(secrets);
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : captured.list) {
            all.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                all.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
            all.append(' ').append(e.getMDCPropertyMap()).append('\n');
        }
        String logs = all.toString();
        assertTrue(captured.list.size() >= 2, "the run was logged at all: " + logs);
        assertTrue(logs.contains("ERROR"), "the storage fault was logged: " + logs);
        for (String n : needles) {
            assertFalse(logs.contains(n), "a log line holds '" + n + "':\n" + logs);
        }
        System.out.println("log-privacy: " + captured.list.size() + " log events checked against " + needles.size()
                + " names, phone notations, passes and secrets");
    }
}
