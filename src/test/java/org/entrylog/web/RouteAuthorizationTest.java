package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.entrylog.official.Officials;
import org.entrylog.testing.TestApp;
import org.entrylog.web.WebServer.Role;
import org.entrylog.web.WebServer.Route;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what, read from the route table itself ({@code Entrylog.routes()}): every route that
 * is not for ANYONE is called without credentials, with a made-up secret and with the credentials
 * of every other role, and must answer 401 {@code unauthorized}; every such refusal of an OFFICIAL
 * route writes its audit row. A route is covered the moment it is declared, so one given the wrong
 * role, or a new role without an authenticator, fails here by itself.
 */
@Tag("slow")
class RouteAuthorizationTest {
    @TempDir
    Path dir;
    TestApp t;
    TestApp.Device device;
    TestApp.Visitor visitor;
    TestApp.Visitor stranger;
    /** The right credentials of each role but ANYONE; a fresh official session each time (logout ends one). */
    Map<Role, Supplier<String>> credentials;
    /** The path parameters of the routes: this visitor's own record, this device's venue. */
    Map<String, String> params;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        device = t.venueWithDevice("Cafe");
        visitor = t.register("Hong Gildong", "010-1234-5678");
        stranger = t.register("Stranger", "010-9999-0000");
        Officials.add(t, "kim");
        credentials = new EnumMap<>(Role.class);
        credentials.put(Role.VISITOR, visitor::secret);
        credentials.put(Role.DEVICE, device::secret);
        credentials.put(Role.OFFICIAL, () -> Officials.token(t, "kim"));
        org.entrylog.owner.Owners.add(t, "cafe.owner", device.venueId()); // owner of the device's venue
        credentials.put(Role.VENUE_OWNER, () -> org.entrylog.owner.Owners.token(t, "cafe.owner"));
        params = Map.of("visitorId", visitor.id(), "venueId", device.venueId());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private List<Route> guarded() {
        List<Route> out = new ArrayList<>();
        for (Route r : t.app.routes()) {
            if (!r.roles().contains(Role.ANYONE)) {
                out.add(r);
            }
        }
        return out;
    }

    @Test
    void everyRoleHasAnAuthenticatorAndEveryGuardedRoleACredentialHere() {
        assertEquals(EnumSet.allOf(Role.class), t.app.authenticators().keySet());
        for (Role role : Role.values()) {
            assertTrue(role == Role.ANYONE || credentials.containsKey(role),
                    "the role " + role + " needs its credentials in this test");
        }
        assertNotEquals(List.of(), guarded());
    }

    @Test
    void everyGuardedRouteRefusesMissingMadeUpAndOtherRolesCredentials() {
        for (Route route : guarded()) {
            List<String> wrong = new ArrayList<>();
            wrong.add(null);
            wrong.add("not-a-secret-of-anyone");
            credentials.forEach((role, secret) -> {
                if (!route.roles().contains(role)) { // an official's session on an owner's route, and back
                    wrong.add(secret.get());
                }
            });
            if (route.roles().contains(Role.VISITOR)) {
                wrong.add(stranger.secret()); // a visitor's own secret opens no other visitor's record
            }
            for (String bearer : wrong) {
                long audited = t.count("SELECT count(*) FROM audit_log WHERE official IS NULL AND status = 401"
                        + " AND error = 'unauthorized' AND visitor_ids = '[]' AND action = '"
                        + route.method() + " " + route.path() + "'");
                t.app.anonymousRefusals.closeAll(); // each call its own burst, so each writes its row
                TestApp.Response r = t.call(route, params, bearer, null);
                String what = route.method() + " " + route.path() + " (" + route.roles() + ") with "
                        + (bearer == null ? "no credentials" : "wrong credentials");
                assertEquals(401, r.status(), what + ": " + r.body());
                assertEquals("unauthorized", r.text("error"), what);
                if (route.roles().contains(Role.OFFICIAL)) {
                    assertEquals(audited + 1, t.count("SELECT count(*) FROM audit_log WHERE official IS NULL"
                            + " AND status = 401 AND error = 'unauthorized' AND visitor_ids = '[]' AND action = '"
                            + route.method() + " " + route.path() + "'"), what + ": the refusal is audited");
                }
            }
        }
    }

    @Test
    void everyGuardedRouteLetsItsOwnRoleThrough() {
        for (Route route : guarded()) {
            for (Role role : route.roles()) { // each role of a route of several
                TestApp.Response r = t.call(route, params, credentials.get(role).get(), null);
                String what = route.method() + " " + route.path() + " (" + role + ")";
                // the empty body may be refused, but not the caller, and the handler found its principal
                assertNotEquals(401, r.status(), what + ": " + r.body());
                assertTrue(r.status() < 500, what + ": " + r.body());
            }
        }
    }

    @Test
    void everyOpenRouteAnswersWithoutCredentials() {
        // a handler that needs a caller, declared for ANYONE, finds no principal and fails closed with
        // 500: this catches such a route before a client does
        for (Route route : t.app.routes()) {
            if (route.roles().contains(Role.ANYONE)) {
                TestApp.Response r = t.call(route, params, null, null);
                assertTrue(r.status() < 500, route.method() + " " + route.path() + ": " + r.body());
            }
        }
    }

    @Test
    void aRouteOfSeveralRolesIsDeclaredOnlyWithoutAnyoneAndOfficial() {
        assertThrows(IllegalArgumentException.class, () -> new Route("GET", "/x",
                EnumSet.of(Role.ANYONE, Role.DEVICE), ctx -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Route("GET", "/x",
                EnumSet.of(Role.OFFICIAL, Role.VENUE_OWNER), ctx -> { }));
        assertThrows(IllegalArgumentException.class, () -> new Route("GET", "/x", EnumSet.noneOf(Role.class),
                ctx -> { }));
        assertTrue(t.app.routes().stream().anyMatch(r -> r.roles().size() > 1),
                "the occupancy route is for a venue's DEVICE or its VENUE_OWNER");
    }

    @Test
    void aRouteWhoseRoleHasNoAuthenticatorStopsTheStart() {
        List<Route> routes = List.of(new Route("GET", "/api/new", Role.OFFICIAL, ctx -> ctx.result("open")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> WebServer.create(routes,
                Map.of(Role.ANYONE, Authenticator.ANYONE), 0, null, new Metrics(), config -> { }));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains("GET /api/new") && e.getMessage().contains("OFFICIAL"), e.getMessage());
    }
}
