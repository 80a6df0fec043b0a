package org.entrylog.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No name, phone number, token or secret is readable in any file of the data folder or any log line
 * (docs/threat-model.md T36). SQLite only: it reads the database's bytes in the data folder, where
 * only the SQLite store keeps them.
 */
class NoPlaintextTest {
    @TempDir
    Path dir;

    @Test
    void theDataFolderAndTheLogsHoldNoPlaintextPersonalData() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(ctx);
        captured.start();
        root.addAppender(captured);
        List<String> secrets = new ArrayList<>();
        try (TestApp t = new TestApp(dir)) {
            Visitor v = t.register("Zebulon Quixote", "010-2468-1357");
            secrets.add(v.secret());
            Device d = t.venueWithDevice("Cafe");
            secrets.add(d.secret());
            String token = t.pass(v);
            secrets.add(token);
            assertEquals(201, t.scan(d, token).status());
            t.scan(d, token);
            t.scan(d, token.substring(1));
            assertEquals(201, t.post("/api/manual-entries", Map.of("name", "홍길동", "phone", "01097531357"), d.secret()).status());
            t.post("/api/visitors", "{\"name\":\"Broken Json Person\",\"phone\":", null);
        } finally {
            root.detachAppender(captured);
        }
        List<String> needles = new ArrayList<>(List.of("Zebulon", "Quixote", "2468", "1357", "821024681357",
                "홍길동", "9753", "Broken Json Person"));
        needles.addAll(secrets);
        StringBuilder logs = new StringBuilder();
        for (ILoggingEvent e : captured.list) {
            logs.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                logs.append(e.getThrowableProxy().getMessage()).append('\n');
            }
        }
        for (String n : needles) {
            assertFalse(logs.toString().contains(n), "a log line holds '" + n + "'");
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String n : needles) {
                    String asBytes = new String(n.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                    assertFalse(content.contains(asBytes), f.getFileName() + " holds '" + n + "'");
                }
            }
        }
    }

    @Test
    void keysAndTheDatabaseAreOwnerOnly() throws IOException {
        try (TestApp t = new TestApp(dir)) {
            t.register("A", "01012345678");
        }
        for (Path p : List.of(dir.resolve("keys/signing-keys.json"), dir.resolve("keys/phone-hmac.key"),
                dir.resolve("keys/pass-pseudonym.key"), dir.resolve("entrylog.db"), dir.resolve("authority-private.pem"))) {
            String perms = java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
            assertEquals("rw-------", perms, p.toString());
        }
    }
}
