package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pass this server signed is accepted by its exact bytes without the Ed25519 check (issue 18),
 * and nothing else is: a changed byte, a forgotten or foreign pass goes through the signature check.
 */
class IssuedPassesTest {
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    private static final byte[] VISITOR = Ids.newId();

    @TempDir
    Path dir;
    SigningKeys keys;
    byte[] pseudonym;

    @BeforeEach
    void keys() {
        keys = SigningKeys.openOrCreate(dir, Clock.fixed(NOW, ZoneOffset.UTC));
        pseudonym = PassCodec.pseudonymKey(dir);
    }

    @Test
    void aPassSignedHereIsAcceptedByItsBytesWithoutASignatureCheck() {
        PassCodec codec = new PassCodec(keys, pseudonym);
        String pass = codec.issue(VISITOR, NOW, 30);
        PassToken t = codec.verify(pass);
        assertArrayEquals(VISITOR, t.visitorId());
        assertEquals(NOW.plusSeconds(30), t.expiresAt());
        assertEquals(0, codec.signatureChecks());
    }

    @Test
    void everyChangedBitOfARememberedPassIsRefused() {
        PassCodec codec = new PassCodec(keys, pseudonym);
        byte[] raw = Ids.decode(codec.issue(VISITOR, NOW, 30), PassToken.LENGTH);
        int refused = 0;
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] changed = raw.clone();
                changed[i] ^= (byte) (1 << bit);
                assertThrows(ApiException.class, () -> codec.verify(Ids.encode(changed)), "byte " + i);
                refused++;
            }
        }
        assertEquals(PassToken.LENGTH * 8, refused);
        // changes of the body behind a known key id went to the signature check (the id alone is not enough)
        assertEquals((PassToken.LENGTH - 7) * 8, codec.signatureChecks(), "all but version and key id bytes");
    }

    @Test
    void aPassSignedByAnotherServerWithTheSameKeysIsCheckedBySignature() {
        PassCodec here = new PassCodec(keys, pseudonym);
        PassCodec other = new PassCodec(keys, pseudonym);
        PassToken t = here.verify(other.issue(VISITOR, NOW, 30));
        assertArrayEquals(VISITOR, t.visitorId());
        assertEquals(1, here.signatureChecks());
    }

    @Test
    void itRemembersAtMostItsCapacityForgettingTheOldestAndTheExpired() {
        PassCodec codec = new PassCodec(keys, pseudonym, 2);
        String first = codec.issue(VISITOR, NOW, 30);
        String second = codec.issue(VISITOR, NOW, 30);
        String third = codec.issue(VISITOR, NOW, 30);
        assertEquals(2, codec.remembered());
        codec.verify(third);
        codec.verify(second);
        assertEquals(0, codec.signatureChecks());
        codec.verify(first); // forgotten, still valid: checked by its signature
        assertEquals(1, codec.signatureChecks());
        codec.issue(VISITOR, NOW.plusSeconds(30), 30); // the two from NOW expired at that second
        assertEquals(1, codec.remembered());
    }

    @Test
    void withNoneRememberedEveryPassIsCheckedBySignature() {
        PassCodec codec = new PassCodec(keys, pseudonym, 0);
        codec.verify(codec.issue(VISITOR, NOW, 30));
        assertEquals(1, codec.signatureChecks());
        assertEquals(0, codec.remembered());
    }
}
