package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.entrylog.testing.Addresses;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 5: a tablet that trusts only the server's local certificate authority opens
 * {@code https://<server-ip>/scan}, enrolls, registers the service worker and reloads the scanner
 * offline. Chromium's trust store here is a fresh NSS database (in a HOME of its own) holding
 * that one authority; the same URL without it is refused, so the trust comes from the
 * authority and not from anything else on this machine.
 */
@Tag("browser")
class LocalAuthorityTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void aTabletTrustingOnlyTheLocalAuthorityReloadsTheScannerOfflineOverHttps() throws Exception {
        String ip = Addresses.nonLoopback();
        Assumptions.assumeTrue(ip != null, "this machine has no non-loopback IPv4 address to open the server at");
        MutableClock clock = new MutableClock(Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock,
                     Map.of("ENTRYLOG_TLS", "self-signed", "ENTRYLOG_RATE_LIMITS", "off"))) {
            String base = "https://" + ip + ":" + app.port;
            String code = app.app.venues.add("Harbour Market", null).enrollmentCode();
            Path trusting = trustStoreHolding(app.app.tls().authority(), tmp.resolve("home-trusting"));
            Path bare = trustStoreHolding(null, tmp.resolve("home-bare"));

            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile-bare")), null, Map.of("HOME", bare.toString()))) {
                b.driver.get(base + "/ca");
                Thread.sleep(1500);
                assertNotEquals("true", b.js("return document.body && document.body.dataset.ready"),
                        "without the authority the page must not load (Chromium shows its certificate error)");
            }

            try (Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), FakeCamera.blank(tmp.resolve("wall.y4m")),
                    Map.of("HOME", trusting.toString()))) {
                b.open(base + "/ca");
                b.waitUntil("the fingerprint", WAIT, () -> app.app.tls().authorityFingerprint().equals(b.text("#ca-fingerprint")));
                // the page in both languages, as the other pages in AccessibilityTest and KoreanPagesTest
                String axe = AccessibilityTest.axeSource();
                b.viewport(390, 844, true);
                List<String> problems = new java.util.ArrayList<>(AccessibilityTest.audit(b, axe, "/ca, English"));
                b.open(base + "/ca?lang=ko");
                b.waitUntil("the fingerprint", WAIT, () -> "ready".equals(b.attr("body", "data-ca")));
                problems.addAll(AccessibilityTest.audit(b, axe, "/ca, Korean"));
                assertEquals(List.of(), problems);
                KoreanPagesTest.assertNoEnglish(b, "/ca", "local", "authority");
                assertEquals("application/x-x509-ca-cert", b.jsAsync("""
                        const done = arguments[arguments.length - 1];
                        fetch('/ca.crt').then((r) => done(r.headers.get('Content-Type')), (e) => done(String(e)));
                        """));

                b.open(base + "/scan?enroll=" + code);
                b.waitUntil("the enrolled scanner", WAIT, () -> b.attr("#scanner-section", "hidden") == null);
                b.waitUntil("the service worker controls the scanner", WAIT,
                        () -> Boolean.TRUE.equals(b.js("return !!navigator.serviceWorker.controller")));

                b.offline(true);
                b.driver.navigate().refresh();
                b.waitUntil("the scanner loads offline from the service worker", WAIT,
                        () -> "true".equals(b.js("return document.body && document.body.dataset.ready")));
                assertEquals("Harbour Market", b.text("#venue-name"));
                assertEquals(Boolean.FALSE, b.js("return navigator.onLine"));
                assertEquals(base + "/scan", b.js("return location.origin + location.pathname"));
                assertEquals(List.of(), b.cspViolations());
            }
        }
    }

    /**
     * A HOME whose NSS database (what Chromium on Linux trusts besides its built-in roots) holds
     * only {@code authority}, or nothing. Made with certutil from Debian's libnss3-tools.
     */
    static Path trustStoreHolding(Path authority, Path home) throws Exception {
        Path db = Files.createDirectories(home.resolve(".pki").resolve("nssdb"));
        run("certutil", "-N", "-d", "sql:" + db, "--empty-password");
        if (authority != null) {
            run("certutil", "-A", "-d", "sql:" + db, "-n", "entrylog local authority", "-t", "C,,", "-i", authority.toString());
        }
        return home;
    }

    private static void run(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            String what = "certutil is needed for this test: apt-get install libnss3-tools";
            if (System.getenv("CI") != null) {
                fail(what);
            }
            Assumptions.abort(what);
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", command) + " failed: " + out);
        }
    }
}
