package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.web.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every page arrives with its security headers, runs under its Content-Security-Policy without
 * a single violation or console error, and the policy really refuses inline script.
 */
@Tag("browser")
class PageSecurityTest {
    private static final List<String> PAGES = List.of("/", "/pass", "/card", "/scan", "/console", "/transparency", "/ca");

    @TempDir
    static Path tmp;
    private static RealTime time;
    private static TestApp app;
    private static Browser b;

    @BeforeAll
    static void start() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-02T09:00:00Z");
        time = RealTime.follow(clock);
        app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of());
        b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), FakeCamera.blank(tmp.resolve("wall.y4m")));
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        app.close();
        time.close();
    }

    @Test
    void everyPageCarriesTheSecurityHeaders() {
        for (String page : PAGES) {
            TestApp.Response r = app.get(page, null);
            assertEquals(200, r.status(), page);
            assertTrue(r.header("Content-Type").startsWith("text/html"), page);
            assertEquals(WebServer.CSP, r.header("Content-Security-Policy"), page);
            assertFalse(r.header("Content-Security-Policy").contains("unsafe-inline"), page);
            assertEquals("nosniff", r.header("X-Content-Type-Options"), page);
            assertEquals("no-referrer", r.header("Referrer-Policy"), page);
            assertEquals("DENY", r.header("X-Frame-Options"), page);
        }
        TestApp.Response sw = app.get("/sw.js", null);
        assertEquals(200, sw.status());
        assertTrue(sw.header("Content-Type").startsWith("text/javascript"), sw.header("Content-Type"));
        assertEquals("no-cache", sw.header("Cache-Control"));
        assertFalse(sw.body().contains("__ENTRYLOG_BUILD__"), "the build stamped the worker's version");
    }

    @Test
    void noPageViolatesItsPolicyOrLogsAnError() {
        List<String> problems = new ArrayList<>();
        for (String page : PAGES) {
            b.open(app.base + page);
            // let the page's first requests (figures, retention, service worker) settle
            b.waitUntil("network quiet on " + page, Duration.ofSeconds(5),
                    () -> Boolean.TRUE.equals(b.js("return document.readyState === 'complete'")));
            sleep(400);
            for (String v : b.cspViolations()) {
                problems.add(page + " CSP: " + v);
            }
            for (String line : b.consoleLog()) {
                if (line.startsWith("SEVERE") || line.contains("Content Security Policy")) {
                    problems.add(page + " console: " + line);
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void thePolicyRefusesInlineScriptInTheBrowser() {
        b.open(app.base + "/pass");
        b.consoleLog();
        b.js("const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.append(s);");
        sleep(200);
        assertEquals(null, b.js("return window.__ran === undefined ? null : window.__ran"), "inline script ran");
        assertTrue(b.cspViolations().stream().anyMatch(v -> v.startsWith("script-src")), b.cspViolations().toString());
        // and the browser console reports it: the log the test above reads is the real one
        List<String> log = b.consoleLog();
        assertTrue(log.stream().anyMatch(l -> l.contains("Content Security Policy")), log.toString());
    }

    @Test
    void theServiceWorkerKeepsPagesAndAssetsButNeverTheApi() {
        b.open(app.base + "/scan");
        b.waitUntil("the service worker controls the page", Duration.ofSeconds(15),
                () -> Boolean.TRUE.equals(b.js("return !!navigator.serviceWorker.controller")));
        @SuppressWarnings("unchecked")
        List<String> cached = (List<String>) b.jsAsync("""
                const done = arguments[arguments.length - 1];
                (async () => {
                  const urls = [];
                  for (const name of await caches.keys()) {
                    for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
                  }
                  return urls;
                })().then(done, (e) => done(['error ' + e]));
                """);
        assertTrue(cached.containsAll(List.of("/scan", "/pass", "/assets/scan.js", "/assets/queue.js",
                "/assets/vendor/jsQR.js")), cached.toString());
        assertTrue(cached.stream().noneMatch(u -> u.startsWith("/api/")), cached.toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
