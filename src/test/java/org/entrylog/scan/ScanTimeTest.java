package org.entrylog.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.entrylog.common.ApiException;
import org.junit.jupiter.api.Test;

/** The pass validity window and the tablet-clock rules, to the millisecond, without a server. */
class ScanTimeTest {
    private static final Duration OFFLINE = Duration.ofHours(72);
    private static final Instant ISSUED = Instant.parse("2026-03-02T12:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofMinutes(5));
    private static final Duration GRACE = ScanTime.CLOCK_GRACE;

    private static ScanTime decide(Instant received, Instant claimed) {
        return ScanTime.decide(received, claimed, OFFLINE, ISSUED, EXPIRES);
    }

    @Test
    void aPassIsValidFromTwoMinutesBeforeIssueToItsExpiryInclusive() {
        Instant earliest = ISSUED.minus(GRACE);
        assertEquals(earliest, decide(earliest, null).scannedAt());
        assertEquals(EXPIRES, decide(EXPIRES, null).scannedAt());

        ApiException early = assertThrows(ApiException.class, () -> decide(earliest.minusMillis(1), null));
        assertEquals("token_expired", early.code());
        ApiException late = assertThrows(ApiException.class, () -> decide(EXPIRES.plusMillis(1), null));
        assertEquals("token_expired", late.code());
    }

    @Test
    void aPlausibleTabletTimeIsKept() {
        Instant received = ISSUED.plus(Duration.ofMinutes(3));
        Instant claimed = ISSUED.plus(Duration.ofMinutes(1));
        ScanTime t = decide(received, claimed);
        assertEquals(claimed, t.scannedAt());
        assertNull(t.deviceTime());
    }

    @Test
    void aTabletClockAheadOfTheServerIsOverruledAndFlagged() {
        Instant received = ISSUED.plus(Duration.ofMinutes(1));
        Instant ahead = received.plus(GRACE).plusMillis(1);
        ScanTime t = decide(received, ahead);
        assertEquals(received, t.scannedAt());
        assertEquals(ahead.toEpochMilli(), t.deviceTime());

        Instant justWithin = received.plus(GRACE);
        assertEquals(justWithin, decide(received, justWithin).scannedAt());
    }

    @Test
    void aClaimBeforeThePassWasIssuedIsOverruledByTheServersTime() {
        Instant received = ISSUED.plus(Duration.ofMinutes(1));
        Instant before = ISSUED.minus(GRACE).minusMillis(1);
        ScanTime t = decide(received, before);
        assertEquals(received, t.scannedAt());
        assertEquals(before.toEpochMilli(), t.deviceTime());
    }

    @Test
    void aClaimBeyondTheOfflineWindowIsRefused() {
        Instant received = Instant.parse("2026-03-10T12:00:00Z");
        assertThrows(ApiException.class,
                () -> ScanTime.decide(received, received.minus(OFFLINE).minusMillis(1), OFFLINE, null, null));
        Instant oldest = received.minus(OFFLINE);
        assertEquals(oldest, ScanTime.decide(received, oldest, OFFLINE, null, null).scannedAt(),
                "a manual entry has no pass window, only the offline window");
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant received = ISSUED.plusNanos(1_234_567);
        assertEquals(ISSUED.plusMillis(1), decide(received, received).scannedAt());
    }
}
