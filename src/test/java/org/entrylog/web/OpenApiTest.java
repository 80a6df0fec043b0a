package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `/openapi.json` describes exactly the API the server registers: no route missing, none invented. */
class OpenApiTest {
    @TempDir
    Path dir;

    @Test
    void everyRegisteredRouteIsDescribedAndEveryDescribedRouteExists() {
        try (TestApp t = new TestApp(dir)) {
            TestApp.Response r = t.get("/openapi.json", null);
            assertEquals(200, r.status());
            assertEquals("3", r.json().path("openapi").asText().substring(0, 1));
            Set<String> described = new TreeSet<>();
            JsonNode paths = r.json().path("paths");
            for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
                String path = it.next();
                for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
                    described.add(m.next().toUpperCase(Locale.ROOT) + " " + path);
                }
            }
            Set<String> registered = new TreeSet<>();
            for (WebServer.Route route : t.app.routes()) {
                boolean page = route.method().equals("GET") && !route.path().startsWith("/api/")
                        && !route.path().equals("/health") && !route.path().equals("/metrics")
                        && !route.path().equals("/openapi.json");
                if (!page) {
                    registered.add(route.method() + " " + route.path());
                }
            }
            assertEquals(registered, described);
        }
    }
}
