package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.entrylog.common.Ids;
import org.entrylog.testing.MutableClock;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a pass can be wrong is refused with its docs/design.md code and writes nothing (docs/threat-model.md T1–T10). */
@Tag("slow")
class PassValidationTest {
    @TempDir
    Path dir;
    TestApp t;
    Visitor v;
    Device d;

    @BeforeEach
    void start() {
        t = new TestApp(dir);
        v = t.register("Kim", "010-1234-5678");
        d = t.venueWithDevice("Cafe");
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private void assertRefused(Response r, int status, String code) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.text("error"));
        assertTrue(r.text("message").length() > 5);
        assertEquals(0, t.count("SELECT count(*) FROM scan_log"), "nothing written");
        assertEquals(0, t.count("SELECT count(*) FROM token_use"));
    }

    @Test
    void aPassIsShortAndLivesThirtySecondsByDefault() {
        Response r = t.post("/api/visitors/" + v.id() + "/passes", "", v.secret());
        assertEquals(201, r.status());
        assertTrue(r.text("token").length() <= 200, "token fits in 200 characters");
        assertEquals("2026-03-02T09:00:30Z", r.text("expiresAt"));
        assertTrue(r.text("qrPng").startsWith("data:image/png;base64,"));
    }

    @Test
    void aClientThatDrawsTheCodeItselfCanLeaveTheServersPngOut() {
        Response r = t.post("/api/visitors/" + v.id() + "/passes?qrPng=false", "", v.secret());
        assertEquals(201, r.status());
        assertFalse(r.json().has("qrPng"), r.body());
        assertEquals(201, t.scan(d, r.text("token")).status());
    }

    @Test
    void expiryIsAFixedBoundaryToTheSecond() {
        String token = t.pass(v); // issued 09:00:00, expires 09:00:30
        t.clock.set(Instant.parse("2026-03-02T09:00:31Z"));
        assertRefused(t.scan(d, token), 422, "token_expired");
        t.clock.set(Instant.parse("2026-03-02T09:00:30.001Z"));
        assertRefused(t.scan(d, token), 422, "token_expired");
        t.clock.set(Instant.parse("2026-03-02T09:00:30Z"));
        assertEquals(201, t.scan(d, token).status(), "valid at exactly expiresAt");
    }

    @Test
    void oneSecondBeforeExpiryIsAccepted() {
        String token = t.pass(v);
        t.clock.set(Instant.parse("2026-03-02T09:00:29Z"));
        assertEquals(201, t.scan(d, token).status());
    }

    @Test
    void aPassIssuedInTheFutureIsRefused() {
        String token = t.pass(v);
        t.clock.set(Instant.parse("2026-03-02T08:57:59Z")); // more than 2 minutes before issue
        assertRefused(t.scan(d, token), 422, "token_expired");
        t.clock.set(Instant.parse("2026-03-02T08:58:00Z")); // exactly issuedAt - 2 min
        assertEquals(201, t.scan(d, token).status());
    }

    @Test
    void theTokenLifetimeIsConfigurable() throws Exception {
        t.close();
        t = new TestApp(dir, MutableClock.at("2026-03-02T09:00:00Z"), Map.of("ENTRYLOG_TOKEN_TTL_SECONDS", "5"));
        Response r = t.post("/api/visitors/" + v.id() + "/passes", "", v.secret());
        assertEquals("2026-03-02T09:00:05Z", r.text("expiresAt"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "AAAA", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."})
    void junkIsMalformed(String token) {
        assertRefused(t.scan(d, token), 400, "token_malformed");
    }

    @Test
    void truncatedExtendedOrNonStandardBase64IsMalformed() {
        String token = t.pass(v);
        assertRefused(t.scan(d, token.substring(0, token.length() - 1)), 400, "token_malformed");
        assertRefused(t.scan(d, token + "A"), 400, "token_malformed");
        assertRefused(t.scan(d, token + "=="), 400, "token_malformed");
        byte[] raw = Base64.getUrlDecoder().decode(token);
        String standard = Base64.getEncoder().withoutPadding().encodeToString(raw);
        if (!standard.equals(token)) {
            assertRefused(t.scan(d, standard), 400, "token_malformed");
        }
        assertRefused(t.scan(d, " " + token), 400, "token_malformed");
    }

    @Test
    void aFlippedBitAnywhereIsRefused() {
        String token = t.pass(v);
        byte[] raw = Base64.getUrlDecoder().decode(token);
        for (int i = 1; i < raw.length; i += 7) {
            byte[] copy = raw.clone();
            copy[i] ^= 0x01;
            Response r = t.scan(d, Ids.encode(copy));
            assertTrue(r.status() == 422 || r.status() == 400, "byte " + i + ": " + r.body());
        }
        byte[] version = raw.clone();
        version[0] = 3;
        assertRefused(t.scan(d, Ids.encode(version)), 400, "token_malformed");
        // read as a slot pass (version 2), its times would mean something else: the version byte is signed
        version[0] = PassToken.VERSION_SLOT;
        assertRefused(t.scan(d, Ids.encode(version)), 422, "token_bad_signature");
        assertEquals(0, t.count("SELECT count(*) FROM scan_log"));
    }

    @Test
    void aPassSignedByAnotherKeyIsRefused() {
        String token = t.pass(v);
        byte[] raw = Base64.getUrlDecoder().decode(token);
        // the same layout, signed with a key this server never had (and its own kid)
        Ed25519PrivateKeyParameters other = new Ed25519PrivateKeyParameters(new java.security.SecureRandom());
        resign(raw, other);
        assertRefused(t.scan(d, Ids.encode(raw)), 422, "token_bad_signature");
        // the server's kid, but the other key's signature: never falls back to another key
        byte[] kidForged = Base64.getUrlDecoder().decode(token);
        resignKeepingKid(kidForged, other);
        assertRefused(t.scan(d, Ids.encode(kidForged)), 422, "token_bad_signature");
    }

    @Test
    void anHmacKeyedWithThePublicKeyIsRefused() throws Exception {
        String token = t.pass(v);
        byte[] raw = Base64.getUrlDecoder().decode(token);
        Ed25519PublicKeyParameters pub = t.app.keys.active().publicKey();
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pub.getEncoded(), "HmacSHA256"));
        mac.update(raw, 0, PassToken.SIGNED_LENGTH);
        byte[] h = mac.doFinal();
        System.arraycopy(h, 0, raw, PassToken.SIGNED_LENGTH, 32);
        System.arraycopy(h, 0, raw, PassToken.SIGNED_LENGTH + 32, 32);
        assertRefused(t.scan(d, Ids.encode(raw)), 422, "token_bad_signature");
        String jwt = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"" + v.id() + "\"}") + ".sig";
        assertRefused(t.scan(d, jwt), 400, "token_malformed");
    }

    @Test
    void aPassFromAnotherEntrylogServerIsRefused(@TempDir Path otherDir) {
        try (TestApp other = new TestApp(otherDir)) {
            Visitor ov = other.register("Lee", "01099998888");
            String foreign = other.pass(ov);
            assertRefused(t.scan(d, foreign), 422, "token_bad_signature");
        }
    }

    @Test
    void passesNeedTheVisitorsSecretAndUnknownIdsLookTheSame() {
        Response wrong = t.post("/api/visitors/" + v.id() + "/passes", "", "not-the-secret");
        Response unknown = t.post("/api/visitors/" + Ids.encode(Ids.newId()) + "/passes", "", v.secret());
        Response garbage = t.post("/api/visitors/'%20OR%201=1--/passes", "", v.secret());
        Response none = t.post("/api/visitors/" + v.id() + "/passes", "", null);
        for (Response r : new Response[] {wrong, unknown, garbage, none}) {
            assertEquals(401, r.status(), r.body());
            assertEquals(wrong.body(), r.body(), "identical replies: no oracle for valid ids");
        }
    }

    @Test
    void theVisitorIdInsideAPassIsNotVisibleAndDiffersEveryTime() {
        String a = t.pass(v);
        String b = t.pass(v);
        byte[] ra = Base64.getUrlDecoder().decode(a);
        byte[] rb = Base64.getUrlDecoder().decode(b);
        byte[] id = Base64.getUrlDecoder().decode(v.id());
        assertTrue(indexOf(ra, id) < 0 && indexOf(rb, id) < 0, "the visitor id is not in the pass in clear");
        assertTrue(!java.util.Arrays.equals(java.util.Arrays.copyOfRange(ra, 23, 39),
                java.util.Arrays.copyOfRange(rb, 23, 39)), "two passes of one visitor are unlinkable");
    }

    @Test
    void aKeyRotatedMidDayKeepsOldPassesValidUntilTheyExpire() {
        String old = t.pass(v);
        String oldKid = t.app.keys.active().kid();
        t.clock.advance(Duration.ofSeconds(10));
        String newKid = t.app.keys.rotate(t.clock);
        assertTrue(!newKid.equals(oldKid));
        String fresh = t.pass(v);
        assertEquals(201, t.scan(d, old).status(), "old-key pass valid until expiry");
        assertEquals(201, t.scan(d, fresh).status());
        Response keys = t.get("/api/keys", null);
        assertEquals(2, keys.json().path("keys").size());
        assertEquals("Ed25519", keys.json().path("keys").get(0).path("alg").asText());
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static void resign(byte[] raw, Ed25519PrivateKeyParameters key) {
        byte[] kid = java.util.Arrays.copyOf(org.entrylog.common.Hashes.sha256(key.generatePublicKey().getEncoded()), 6);
        System.arraycopy(kid, 0, raw, 1, 6);
        resignKeepingKid(raw, key);
    }

    private static void resignKeepingKid(byte[] raw, Ed25519PrivateKeyParameters key) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key);
        s.update(raw, 0, PassToken.SIGNED_LENGTH);
        byte[] sig = s.generateSignature();
        System.arraycopy(sig, 0, raw, PassToken.SIGNED_LENGTH, 64);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
