package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.ScanStore;
import org.entrylog.testing.BothStores;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Device;
import org.entrylog.testing.TestApp.Response;
import org.entrylog.testing.TestApp.Visitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;

/**
 * Printed cards over real HTTP: issued, scanned, repeated within and after the repeat window (to
 * the second), at another venue, by typed number, and refused once revoked.
 */
@Tag("slow")
@BothStores
class CardScanTest {
    @Parameter
    TestApp.Store store;

    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    @TempDir
    Path dir;
    TestApp t;

    @BeforeEach
    void start() {
        t = TestApp.on(store, dir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private Response newCard(Visitor v) {
        Response r = t.post("/api/visitors/" + v.id() + "/cards", "", v.secret());
        assertEquals(201, r.status(), r.body());
        return r;
    }

    private Response revoke(Visitor v, String cardId) {
        return t.send(HttpRequest.newBuilder(URI.create(t.base + "/api/visitors/" + v.id() + "/cards/" + cardId))
                .DELETE(), v.secret());
    }

    private void assertVerifies() {
        LogVerifier.Result r = t.app.db.read(ScanStore::verify);
        assertTrue(r.ok(), r.toString());
    }

    @Test
    void aCardIsMultiUseWithARepeatWindowToTheSecondAndWorksAtAnotherVenue() {
        Visitor v = t.register("Park Soon-ja", "010-2222-3333");
        Device cafe = t.venueWithDevice("Cafe");
        Device bakery = t.venueWithDevice("Bakery");
        Response card = newCard(v);
        assertEquals(22, card.text("cardId").length());
        assertEquals(CardCodec.TEXT_LENGTH, card.text("token").length());
        assertTrue(card.text("number").matches("\\d{4} \\d{4} \\d{4}"), card.text("number"));
        assertTrue(card.text("qrPng").startsWith("data:image/png;base64,"));
        assertEquals("no-store", card.header("Cache-Control"));

        Response first = t.scan(cafe, card.text("token"));
        assertEquals(201, first.status(), first.body());
        assertFalse(first.json().path("duplicate").asBoolean());
        assertEquals(1, t.count("SELECT count(*) FROM scan_log WHERE source = 2 AND card_id IS NOT NULL"));

        t.clock.set(T0.plus(Duration.ofMinutes(60))); // the window's last instant: still the same visit
        Response again = t.scan(cafe, card.text("token"));
        assertEquals(200, again.status(), again.body());
        assertTrue(again.json().path("duplicate").asBoolean());
        assertEquals(first.text("scanId"), again.text("scanId"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));

        t.clock.set(T0.plus(Duration.ofMinutes(60)).plusSeconds(1)); // one second later: a new visit
        Response later = t.scan(cafe, card.text("token"));
        assertEquals(201, later.status(), later.body());
        assertNotEquals(first.text("scanId"), later.text("scanId"));
        assertEquals(2, t.count("SELECT count(*) FROM scan_log"));

        Response elsewhere = t.scan(bakery, card.text("token"));
        assertEquals(201, elsewhere.status(), "a card at another venue is a new visit, not 409: " + elsewhere.body());
        assertEquals(3, t.count("SELECT count(*) FROM scan_log WHERE source = 2"));

        // an exit within the window is recorded: the repeat rule is per direction
        Response out = t.post("/api/scans", Map.of("token", card.text("token"), "direction", "out"), bakery.secret());
        assertEquals(201, out.status(), out.body());
        assertVerifies();
    }

    @Test
    void theTypedNumberWorksAndAWrongOneIsRefused() {
        Visitor v = t.register("Park", "010-2222-3333");
        Device cafe = t.venueWithDevice("Cafe");
        Response card = newCard(v);
        String number = card.text("number");

        Response typed = t.scan(cafe, number);
        assertEquals(201, typed.status(), typed.body());
        Response typedAgain = t.scan(cafe, number.replace(" ", ""));
        assertEquals(200, typedAgain.status(), "the number and the QR are one card: " + typedAgain.body());
        assertEquals(200, t.scan(cafe, card.text("token")).status());

        String digits = number.replace(" ", "");
        String typo = (digits.charAt(0) == '9' ? '0' : (char) (digits.charAt(0) + 1)) + digits.substring(1);
        Response mistyped = t.scan(cafe, typo);
        assertEquals(400, mistyped.status());
        assertEquals("token_malformed", mistyped.text("error"));

        String payload = typo.substring(0, 11);
        Response unknown = t.scan(cafe, payload + CardCodec.checkDigit(payload));
        assertEquals(422, unknown.status(), unknown.body());
        assertEquals("token_bad_signature", unknown.text("error"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));
        assertEquals(1, t.count("SELECT count(*) FROM card"), "only an HMAC of the number is kept");
        String holdsDigits = store == TestApp.Store.SQLITE ? "instr(hex(number_hash), hex('" + digits + "')) > 0"
                : "position(convert_to('" + digits + "', 'UTF8') in number_hash) > 0";
        assertEquals(0, t.count("SELECT count(*) FROM card WHERE " + holdsDigits));
    }

    @Test
    void aDeviceGetsTenTypedNumbersInTenMinutes() {
        Device cafe = t.venueWithDevice("Cafe");
        for (int i = 0; i < 10; i++) {
            assertEquals(422, t.scan(cafe, "0000 0000 00" + i + CardCodec.checkDigit("0000000000" + i)).status());
        }
        Response limited = t.scan(cafe, "0000 0000 0000");
        assertEquals(429, limited.status(), limited.body());
        assertEquals("rate_limited", limited.text("error"));
        Device other = t.venueWithDevice("Bakery");
        assertEquals(422, t.scan(other, "0000 0000 0000").status(), "the limit is per device");
    }

    @Test
    void aRevokedCardIsRefusedAndANewOneWorks() {
        Visitor v = t.register("Park", "010-2222-3333");
        Visitor other = t.register("Lee", "010-4444-5555");
        Device cafe = t.venueWithDevice("Cafe");
        Response card = newCard(v);
        assertEquals(201, t.scan(cafe, card.text("token")).status());

        assertEquals(404, revoke(other, card.text("cardId")).status(), "only the holder revokes their card");
        assertEquals(204, revoke(v, card.text("cardId")).status());
        assertEquals(404, revoke(v, card.text("cardId")).status(), "revoked once");

        t.clock.set(T0.plus(Duration.ofHours(2)));
        Response byQr = t.scan(cafe, card.text("token"));
        assertEquals(422, byQr.status(), byQr.body());
        assertEquals("token_expired", byQr.text("error"));
        Response byNumber = t.scan(cafe, card.text("number"));
        assertEquals(422, byNumber.status());
        assertEquals("token_expired", byNumber.text("error"));
        assertEquals(1, t.count("SELECT count(*) FROM scan_log"));

        Response replacement = newCard(v);
        assertNotEquals(card.text("number"), replacement.text("number"));
        assertEquals(201, t.scan(cafe, replacement.text("token")).status());
        assertEquals(400, t.scan(cafe, card.text("token").substring(1) + "A").status() / 100 * 100,
                "an altered card is refused");
        assertVerifies();
    }

    @Test
    void aCardsIssuanceNeedsItsHoldersSecret() {
        Visitor v = t.register("Park", "010-2222-3333");
        Visitor other = t.register("Lee", "010-4444-5555");
        assertEquals(401, t.post("/api/visitors/" + v.id() + "/cards", "", other.secret()).status());
        assertEquals(401, t.post("/api/visitors/" + v.id() + "/cards", "", null).status());
        assertEquals(0, t.count("SELECT count(*) FROM card"));
    }
}
