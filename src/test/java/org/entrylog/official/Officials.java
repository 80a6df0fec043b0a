package org.entrylog.official;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.testing.TestApp;

/** Steps shared by the official tests: accounts, sign-in, and scans at chosen instants. */
public final class Officials {
    public static final String PASSWORD = "correct horse battery staple";

    private Officials() {}

    public static void add(TestApp t, String username) {
        new OfficialAccounts(t.app.db, new Passwords(), t.clock).add(username, PASSWORD);
    }

    public static void disable(TestApp t, String username) {
        new OfficialAccounts(t.app.db, null, t.clock).disable(username);
    }

    public static TestApp.Response login(TestApp t, String username, String password) {
        return t.post("/api/sessions", Map.of("username", username, "password", password), null);
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
