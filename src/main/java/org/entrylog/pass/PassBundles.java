package org.entrylog.pass;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Offline bundles: single-use passes for consecutive slots, which a phone keeps so that it can show
 * a valid pass when it cannot reach the server (docs/design.md, pass-bundle).
 *
 * <p>Slots are aligned to the slot length in UTC (with 10-minute slots they begin at :00, :10, …),
 * so a slot pass's times say nothing about when or by whom it was fetched: every visitor's pass for
 * a slot carries the same {@code notBefore} and {@code expiresAt}. A bundle is the slot that holds
 * the moment of the request and the ones after it, {@code horizon / slot} passes in all (144 by
 * default), so it reaches at least {@code horizon − slot} ahead.
 *
 * <p>Each pass counts only inside its slot ({@code notBefore − 2 min ≤ scannedAt ≤ expiresAt},
 * scan.ScanTime) and only once (token_use), like any pass: a photographed bundle pass is worth one
 * entry during its own slot (docs/threat-model.md T40).
 */
public final class PassBundles {
    /** One slot: its pass counts from {@code notBefore} (less the clock grace) to {@code expiresAt}. */
    public record Slot(Instant notBefore, Instant expiresAt) {}

    /** One pass of a bundle, as the API answers it. */
    public record BundlePass(String token, Instant notBefore, Instant expiresAt, String qrPng) {}

    /** The answer of {@code POST /api/visitors/{visitorId}/pass-bundle}. */
    public record Bundle(List<BundlePass> passes) {}

    private final PassCodec codec;
    private final QrRenderer qr;
    private final Clock clock;
    private final Duration slot;
    private final Duration horizon;

    public PassBundles(PassCodec codec, QrRenderer qr, Clock clock, Duration slot, Duration horizon) {
        if (slot.isZero() || slot.isNegative() || slot.toSeconds() > 3600 || horizon.compareTo(slot) < 0
                || horizon.compareTo(PassCodec.MAX_SLOT_AHEAD) > 0) {
            throw new IllegalArgumentException("slot " + slot + " and horizon " + horizon + " make no bundle");
        }
        this.codec = codec;
        this.qr = qr;
        this.clock = clock;
        this.slot = slot;
        this.horizon = horizon;
    }

    /** The slots of a bundle asked for at {@code now}: the current one first. */
    public static List<Slot> slots(Instant now, Duration slot, Duration horizon) {
        long len = slot.toSeconds();
        long first = Math.floorDiv(now.getEpochSecond(), len) * len;
        long count = horizon.toSeconds() / len;
        List<Slot> out = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            long from = first + i * len;
            out.add(new Slot(Instant.ofEpochSecond(from), Instant.ofEpochSecond(from + len)));
        }
        return out;
    }

    /** A fresh bundle for a visitor (by the public id the passes carry, encrypted). */
    public Bundle issue(byte[] visitorPublicId) {
        List<BundlePass> passes = new ArrayList<>();
        for (Slot s : slots(clock.instant(), slot, horizon)) {
            String token = codec.issueSlot(visitorPublicId, s.notBefore(), s.expiresAt());
            passes.add(new BundlePass(token, s.notBefore(), s.expiresAt(), qr.dataUrl(token)));
        }
        return new Bundle(passes);
    }
}
