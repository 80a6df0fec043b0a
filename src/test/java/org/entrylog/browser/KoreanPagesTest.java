package org.entrylog.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.entrylog.official.Officials;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 6: a Korean page that is refused says so in Korean to the end, and a phone
 * number is read back before it is sealed. The server's error messages are English; every
 * refusal below gets one, and none of it may reach a Korean page.
 */
@Tag("browser")
class KoreanPagesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Latin-letter words a Korean page may show: names of things, formats, and our own test data. */
    static final Set<String> ALLOWED = Set.of("entrylog", "QR", "CSV", "JSON", "HTTPS", "https", "Android", "iPad",
            "iPhone", "iOS", "Chrome", "Safari", "SHA", "PEM", "DER", "ca", "crt", "localhost", "English", "CA", "VPN");

    /**
     * The Latin-letter words a person sees or hears on the page outside {@code allowed}: text of
     * rendered elements (not inside pre/code, which hold commands), the title, and the alt,
     * aria-label, placeholder and title attributes of rendered elements.
     */
    @SuppressWarnings("unchecked")
    static Set<String> foreignWords(Browser b, Set<String> allowed) {
        List<String> words = (List<String>) b.js("""
                const words = [];
                const add = (s) => { for (const w of String(s || '').match(/[A-Za-z]{2,}/g) || []) words.push(w); };
                const seen = (e) => e && e.checkVisibility({ visibilityProperty: true }) && !e.closest('pre, code');
                const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                while (walk.nextNode()) if (seen(walk.currentNode.parentElement)) add(walk.currentNode.textContent);
                for (const e of document.querySelectorAll('[alt], [aria-label], [placeholder], [title]')) {
                  if (!seen(e)) continue;
                  for (const a of ['alt', 'aria-label', 'placeholder', 'title']) add(e.getAttribute(a));
                }
                add(document.title);
                return words;
                """);
        Set<String> out = new TreeSet<>(words);
        out.removeAll(allowed);
        return out;
    }

    static void assertNoEnglish(Browser b, String where, String... alsoAllowed) {
        Set<String> allowed = new java.util.HashSet<>(ALLOWED);
        allowed.addAll(List.of(alsoAllowed));
        Set<String> foreign = foreignWords(b, allowed);
        assertTrue(foreign.isEmpty(), where + " shows Latin-letter words " + foreign + ":\n"
                + b.js("return document.body.innerText"));
    }

    @TempDir
    Path tmp;

    @Test
    void refusedActionsOnKoreanPagesAreExplainedInKoreanAndTheNumberIsReadBack() throws Exception {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        try (RealTime time = RealTime.follow(clock);
             TestApp app = new TestApp(Files.createDirectory(tmp.resolve("data")), clock, Map.of("ENTRYLOG_RATE_LIMITS", "off"));
             Browser b = Browser.launch(Files.createDirectory(tmp.resolve("profile")), null)) {
            b.viewport(390, 844, true);

            // /pass: a number a digit short is read back grouped, flagged, and can be changed.
            b.open(app.base + "/pass?lang=ko");
            b.type("#register-name", "김민지");
            b.type("#register-phone", "01011112222".substring(0, 10));
            b.el("#register-submit").click();
            b.waitUntil("the read-back", WAIT, () -> b.attr("#register-confirm", "hidden") == null);
            assertEquals("010-1111-222", b.text("#register-confirm-phone"));
            assertEquals("010-1111-222 — 이 번호가 맞나요?", b.text("#register-confirm-text"));
            assertEquals(null, b.attr("#register-confirm-short", "hidden"), "a number a digit short is flagged");
            assertEquals("", b.attr("#register-submit", "hidden"));
            assertEquals(0, app.count("SELECT count(*) FROM visitor"), "nothing is sent before the visitor confirms");
            assertNoEnglish(b, "/pass read-back");
            b.el("#register-confirm-edit").click();
            assertEquals("register-phone", b.js("return document.activeElement.id"));
            assertEquals("", b.attr("#register-confirm", "hidden"));

            // A number the server refuses ("'phone' is not a valid phone number."): Korean words.
            b.type("#register-phone", "12");
            b.el("#register-submit").click();
            b.el("#register-confirm-yes").click();
            b.waitUntil("the refusal", WAIT, () -> b.attr("#register-error", "hidden") == null);
            assertTrue(b.text("#register-error").contains("전화번호를 확인하세요"), b.text("#register-error"));
            assertNoEnglish(b, "/pass refused");
            assertEquals(0, app.count("SELECT count(*) FROM visitor"));

            // A good number, read back and registered.
            b.type("#register-phone", "+82 10 2345 6789");
            b.el("#register-submit").click();
            assertEquals("010-2345-6789", b.text("#register-confirm-phone"));
            assertEquals("", b.attr("#register-confirm-short", "hidden"), "an 11-digit mobile number is not flagged");
            b.el("#register-confirm-yes").click();
            b.waitUntil("the pass", WAIT, () -> "fresh".equals(b.attr("#qr-box", "data-state")));
            assertEquals(1, app.count("SELECT count(*) FROM visitor"));
            assertNoEnglish(b, "/pass with a QR");

            // /console: a wrong password ("Missing or invalid credentials.").
            Officials.add(app, "inspector.kim");
            b.open(app.base + "/console?lang=ko");
            b.type("#login-username", "inspector.kim");
            b.type("#login-password", "not the password at all");
            b.type("#login-totp", "000000");
            b.el("#login-submit").click();
            b.waitUntil("the refusal", WAIT, () -> b.attr("#login-error", "hidden") == null);
            assertEquals("사용자 이름 또는 비밀번호가 올바르지 않습니다.", b.text("#login-error"));
            assertNoEnglish(b, "/console refused", "inspector", "kim");

            // A trace outside retention is refused (403) in Korean as well.
            b.type("#login-password", Officials.PASSWORD);
            b.type("#login-totp", Officials.code(app, "inspector.kim"));
            b.el("#login-submit").click();
            b.waitUntil("the trace form", WAIT, () -> b.attr("#trace-section", "hidden") == null);
            b.type("#trace-caseref", "KDCA-2026-7");
            b.type("#trace-phone", "010-2345-6789");
            b.js("document.getElementById('trace-from').value = '2020-01-01T00:00';");
            b.el("#trace-submit").click();
            b.waitUntil("the refusal", WAIT, () -> b.attr("#trace-error", "hidden") == null);
            assertTrue(b.text("#trace-error").contains("보관 기간"), b.text("#trace-error"));
            assertNoEnglish(b, "/console trace refused", "inspector", "kim", "KDCA", "ID");

            // /scan: an enrollment code that does not exist.
            b.open(app.base + "/scan?lang=ko");
            b.type("#enroll-code", "NOT-A-REAL-CODE-123");
            b.el("#enroll-submit").click();
            b.waitUntil("the refusal", WAIT, () -> b.attr("#enroll-error", "hidden") == null);
            assertTrue(b.text("#enroll-error").contains("등록 코드"), b.text("#enroll-error"));
            assertNoEnglish(b, "/scan refused", "NOT", "REAL", "CODE");

            b.open(app.base + "/?lang=ko");
            assertNoEnglish(b, "/");
            b.open(app.base + "/ca?lang=ko");
            b.waitUntil("the answer", WAIT, () -> "none".equals(b.attr("body", "data-ca")));
            assertNoEnglish(b, "/ca without a local authority");

            // /transparency: labels, not the answer's field names.
            b.open(app.base + "/transparency?lang=ko");
            b.waitUntil("the figures", WAIT, () -> b.attr("#figures", "hidden") == null);
            assertTrue(b.present("#audit-retention-days") && b.present("#venues"), "every figure has its label");
            assertEquals("", b.attr("#other-section", "hidden"), "no field is left without a label");
            // the keeper script and the verify command are named as they are typed
            assertNoEnglish(b, "/transparency", "scripts", "keep", "checkpoints", "sh", "verify", "against");

            // The same refusal on an English page: English words, and the server's detail.
            b.open(app.base + "/pass?lang=en");
            b.el("#forget-visitor").click();
            b.el("#forget-visitor").click();
            b.waitUntil("the form", WAIT, () -> b.attr("#register-section", "hidden") == null);
            b.type("#register-name", "Kim Minji");
            b.type("#register-phone", "12");
            b.el("#register-submit").click();
            assertEquals("12 — is this right?", b.text("#register-confirm-text"));
            b.el("#register-confirm-yes").click();
            b.waitUntil("the refusal", WAIT, () -> b.attr("#register-error", "hidden") == null);
            assertTrue(b.text("#register-error").startsWith("The name or phone number is not valid."), b.text("#register-error"));
            assertTrue(foreignWords(b, ALLOWED).contains("valid"), "the check above sees the words of the page");
            assertEquals(List.of(), b.cspViolations());
        }
    }
}
