package org.entrylog.scan;

import java.util.List;

/**
 * The JSON of a scan's answer ({@code POST /api/scans}, {@code /api/manual-entries}): components in
 * the order the API writes them.
 */
public record ScanAnswer(String scanId, String venueId, String scannedAt, boolean duplicate) {

    public static ScanAnswer of(ScanService.Result r) {
        return new ScanAnswer(r.scanId(), r.venueId(), r.scannedAt().toString(), r.duplicate());
    }

    /** {@code POST /api/scans/batch}: one item per posted scan, in order. */
    public record Batch(List<BatchItem> results) {}

    /** One item of a batch's answer, with the status the scan alone would have had. */
    public sealed interface BatchItem permits Scanned, Refused {}

    /** An accepted scan (201) or a duplicate of one (200). */
    public record Scanned(int status, String scanId, String venueId, String scannedAt, boolean duplicate)
            implements BatchItem {
        static Scanned of(ScanService.Result r) {
            return new Scanned(r.status(), r.scanId(), r.venueId(), r.scannedAt().toString(), r.duplicate());
        }
    }

    /** A refused scan: its status and the error JSON's fields. */
    public record Refused(int status, String error, String message) implements BatchItem {}
}
