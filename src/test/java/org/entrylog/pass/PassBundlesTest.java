package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.scan.ScanTime;
import org.entrylog.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slot rule of offline bundles, without a server: slots aligned in UTC, each slot pass valid
 * from {@code notBefore − 2 min} to {@code expiresAt} inclusive, to the second, with the time of
 * receipt taken from an injected clock.
 */
class PassBundlesTest {
    private static final Duration SLOT = Duration.ofMinutes(10);
    private static final Duration HORIZON = Duration.ofHours(24);
    private static final Duration OFFLINE_WINDOW = Duration.ofHours(24);

    @TempDir
    Path dir;
    MutableClock clock;
    SigningKeys keys;
    PassCodec codec;
    PassBundles bundles;
    byte[] visitor = Ids.newId();

    @BeforeEach
    void setUp() {
        clock = MutableClock.at("2026-03-02T09:03:17Z");
        keys = SigningKeys.openOrCreate(dir, clock);
        codec = new PassCodec(keys, PassCodec.pseudonymKey(dir));
        bundles = new PassBundles(codec, new QrRenderer(), clock, SLOT, HORIZON);
    }

    @Test
    void aBundleIsOnePassPerSlotAlignedInUtcFromTheCurrentSlot() {
        List<PassBundles.BundlePass> passes = bundles.issue(visitor).passes();
        assertEquals(144, passes.size());
        assertEquals(Instant.parse("2026-03-02T09:00:00Z"), passes.get(0).notBefore());
        assertEquals(Instant.parse("2026-03-02T09:10:00Z"), passes.get(0).expiresAt());
        assertEquals(Instant.parse("2026-03-03T08:50:00Z"), passes.get(143).notBefore());
        for (int i = 1; i < passes.size(); i++) {
            assertEquals(passes.get(i - 1).expiresAt(), passes.get(i).notBefore(), "consecutive slots");
        }
        for (PassBundles.BundlePass p : passes) {
            assertTrue(p.token().length() <= 200, "fits in 200 characters: " + p.token().length());
            PassToken t = codec.verify(p.token());
            assertArrayEquals(visitor, t.visitorId());
            assertEquals(p.notBefore(), t.notBefore());
            assertEquals(p.expiresAt(), t.expiresAt());
            assertNull(t.issuedAt(), "a slot pass carries no issue time");
            assertTrue(p.qrPng().startsWith("data:image/png;base64,"));
        }
    }

    /** The slot pass for 10:00–10:10, and the time of receipt as the injected clock gives it. */
    private PassToken slotPass() {
        for (PassBundles.BundlePass p : bundles.issue(visitor).passes()) {
            if (p.notBefore().equals(Instant.parse("2026-03-02T10:00:00Z"))) {
                return codec.verify(p.token());
            }
        }
        throw new AssertionError("no 10:00 slot");
    }

    private ScanTime scanNow(PassToken pass) {
        return ScanTime.decide(clock.instant(), null, OFFLINE_WINDOW, pass.notBefore(), pass.expiresAt());
    }

    private void assertRefusedAt(PassToken pass, String at) {
        clock.set(Instant.parse(at));
        ApiException e = assertThrows(ApiException.class, () -> scanNow(pass));
        assertEquals("token_expired", e.code(), at);
    }

    private void assertAcceptedAt(PassToken pass, String at) {
        clock.set(Instant.parse(at));
        assertEquals(Instant.parse(at), scanNow(pass).scannedAt());
    }

    @Test
    void aSlotPassCountsFromTwoMinutesBeforeItsSlotToItsEndInclusive() {
        PassToken pass = slotPass();
        assertRefusedAt(pass, "2026-03-02T09:57:59Z"); // notBefore − 2 min − 1 s
        assertAcceptedAt(pass, "2026-03-02T09:58:00Z"); // notBefore − 2 min
        assertAcceptedAt(pass, "2026-03-02T10:10:00Z"); // expiresAt
        assertRefusedAt(pass, "2026-03-02T10:10:01Z"); // expiresAt + 1 s
    }

    @Test
    void anOfflineTabletsTimeInsideTheSlotIsKeptWhenTheScanArrivesHoursLater() {
        PassToken pass = slotPass();
        clock.set(Instant.parse("2026-03-02T16:00:00Z"));
        Instant claimed = Instant.parse("2026-03-02T10:04:00Z");
        ScanTime t = ScanTime.decide(clock.instant(), claimed, OFFLINE_WINDOW, pass.notBefore(), pass.expiresAt());
        assertEquals(claimed, t.scannedAt());
        assertNull(t.deviceTime());
        // a claim before the slot is overruled by the time of receipt, which is after the slot: refused
        assertThrows(ApiException.class, () -> ScanTime.decide(clock.instant(), Instant.parse("2026-03-02T09:57:59Z"),
                OFFLINE_WINDOW, pass.notBefore(), pass.expiresAt()));
    }

    @Test
    void aReplacedKeysSlotPassesStayValidButItVouchesForNoSlotBeyondTheLongestBundle() {
        SigningKeys.Key old = keys.active();
        String lastSlot = bundles.issue(visitor).passes().get(143).token();
        keys.rotate(clock);
        codec.verify(lastSlot); // signed before the rotation: valid until its slot ends

        // A pass made with the old private key after it was replaced, for a slot further ahead of
        // the replacement than any bundle reaches, is refused as not signed by this server.
        long retired = clock.instant().getEpochSecond();
        assertEquals("token_bad_signature", forgedSlotPass(old, retired + PassCodec.MAX_SLOT_AHEAD.toSeconds() + 1));
        assertEquals(null, forgedSlotPass(old, retired + PassCodec.MAX_SLOT_AHEAD.toSeconds()));
    }

    /** Signs a slot pass with {@code key} and returns the refusal's code, or null when it verifies. */
    private String forgedSlotPass(SigningKeys.Key key, long notBefore) {
        byte[] tokenId = Ids.newId();
        byte[] raw = PassToken.body(PassToken.VERSION_SLOT, key.kidBytes(), tokenId, new byte[16], notBefore,
                notBefore + 600);
        System.arraycopy(SigningKeys.sign(key, raw, 0, PassToken.SIGNED_LENGTH), 0, raw, PassToken.SIGNED_LENGTH, 64);
        try {
            codec.verify(Ids.encode(raw));
            return null;
        } catch (ApiException e) {
            return e.code();
        }
    }
}
