package org.entrylog.official;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.testing.TestApp;

/** Steps shared by the official tests: accounts, sign-in, and scans at chosen instants. */
public final class Officials {
    public static final String PASSWORD = "correct horse battery staple";

    private Officials() {}

    /** The otpauth:// URI each official's account printed, by data folder and username. */
    private static final Map<String, String> URIS = new ConcurrentHashMap<>();

    /** Adds an official with a second factor, as {@code official add} does; answers the totpUri. */
    public static String add(TestApp t, String username) {
        new OfficialAccounts(t.app.db, new Passwords(), t.clock).add(username, PASSWORD);
        return enroll(t, username);
    }

    /** Gives the account a (new) TOTP secret and remembers its URI for {@link #code}. */
    public static String enroll(TestApp t, String username) {
        String uri = new SecondFactors(t.app.db, TotpSecrets.forDataDir(t.dataDir)).enroll(username);
        remember(t.dataDir, username, uri);
        return uri;
    }

    /** Remembers a URI printed by the command line, for {@link #code}. */
    public static void remember(Path dataDir, String username, String uri) {
        URIS.put(dataDir.toAbsolutePath() + "\0" + username, uri);
    }

    /**
     * A code the server accepts now, from the printed URI and the test clock. A code is accepted once
     * per 30-s step, so when this account's step was used already the test clock moves on to the
     * next step, as an official would wait for the next code.
     */
    public static String code(TestApp t, String username) {
        String uri = URIS.get(t.dataDir.toAbsolutePath() + "\0" + username);
        if (uri == null) {
            return "000000";
        }
        long used = t.count("SELECT coalesce(max(totp_last_step), -1) FROM official WHERE username = '"
                + username.replace("'", "''") + "'");
        long step = Totp.step(t.clock.millis());
        if (step <= used) {
            t.clock.set(Instant.ofEpochSecond((used + 1) * Totp.STEP_SECONDS));
        }
        return Totp.code(Totp.secretOf(uri), Totp.step(t.clock.millis()));
    }

    public static void disable(TestApp t, String username) {
        new OfficialAccounts(t.app.db, null, t.clock).disable(username);
    }

    public static TestApp.Response login(TestApp t, String username, String password) {
        return login(t, username, password, code(t, username));
    }

    public static TestApp.Response login(TestApp t, String username, String password, String totp) {
        return t.post("/api/sessions", Map.of("username", username, "password", password, "totp", totp), null);
    }

    public static String token(TestApp t, String username) {
        TestApp.Response r = login(t, username, PASSWORD);
        if (r.status() != 201) {
            throw new AssertionError("login failed: " + r.body());
        }
        return r.text("token");
    }

    /** A scan of this visitor by this device, at this instant (the server clock is moved there). */
    public static TestApp.Response scanAt(TestApp t, TestApp.Device d, TestApp.Visitor v, Instant at, String direction) {
        t.clock.set(at);
        String token = t.pass(v);
        TestApp.Response r = t.post("/api/scans", Map.of("token", token, "direction", direction), d.secret());
        if (r.status() != 201) {
            throw new AssertionError("scan failed: " + r.body());
        }
        return r;
    }

    public static Map<String, Object> trace(String phone, Instant from, Instant to, int windowMinutes, String caseRef) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("phone", phone);
        m.put("from", from.toString());
        m.put("to", to.toString());
        m.put("windowMinutes", windowMinutes);
        m.put("caseRef", caseRef);
        return m;
    }
}
