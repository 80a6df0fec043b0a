package org.entrylog.scan;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;

/**
 * When a scan happened, decided from the server's time of receipt and the tablet's claim: a pure
 * rule, so its windows are tested to the millisecond without a server.
 *
 * <p>The tablet's time is used when it is plausible: not older than the offline window, not more
 * than {@link #CLOCK_GRACE} ahead of the server, not before the pass was issued. When the tablet's
 * clock is visibly wrong the server's time decides, and the tablet's claim is kept in
 * {@code device_time} as a flag (docs/threat-model.md, T17). Then the pass must be valid at that
 * moment: {@code issuedAt − 2 min ≤ scannedAt ≤ expiresAt}. For a slot pass of an offline bundle
 * the pass's {@code notBefore} stands in for {@code issuedAt}: it counts from two minutes before
 * its slot begins, whenever it was signed.
 *
 * @param scannedAt  the time recorded for the scan
 * @param deviceTime the tablet's claim in epoch millis when it was overruled, else null
 */
public record ScanTime(Instant scannedAt, Long deviceTime) {
    /** Tablet clocks drift: a pass counts from two minutes before it was issued. */
    public static final Duration CLOCK_GRACE = Duration.ofMinutes(2);

    /**
     * Decides the time of a scan. {@code issuedAt} (where the pass's validity begins: its issue time,
     * or a slot pass's {@code notBefore}) and {@code expiresAt} are the pass's, or both null
     * for a manual entry (which has no pass). Throws a 400 for a claim beyond the offline window and
     * a 422 {@code token_expired} when the pass is not valid at the decided time.
     */
    public static ScanTime decide(Instant received, Instant claimed, Duration offlineWindow, Instant issuedAt,
                                  Instant expiresAt) {
        if (claimed == null) {
            claimed = received;
        }
        claimed = claimed.truncatedTo(ChronoUnit.MILLIS);
        if (claimed.isBefore(received.minus(offlineWindow))) {
            throw ApiException.badRequest("scannedAt is more than " + offlineWindow.toHours()
                    + " hours in the past, beyond the offline window; this scan cannot be accepted.");
        }
        Instant at = claimed;
        Long deviceTime = null;
        boolean ahead = claimed.isAfter(received.plus(CLOCK_GRACE));
        boolean beforePass = issuedAt != null && claimed.isBefore(issuedAt.minus(CLOCK_GRACE));
        if (ahead || beforePass) {
            at = received;
            deviceTime = claimed.toEpochMilli();
        }
        if (issuedAt != null) {
            if (at.isBefore(issuedAt.minus(CLOCK_GRACE))) {
                throw new ApiException(ErrorCode.TOKEN_EXPIRED, "This pass is not valid yet.");
            }
            if (at.isAfter(expiresAt)) {
                throw new ApiException(ErrorCode.TOKEN_EXPIRED, "This pass has expired; ask for a fresh one.");
            }
        }
        return new ScanTime(at, deviceTime);
    }
}
