package org.entrylog.retention;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a purge did (or, for a dry run, would do). Counts and instants only: nothing that
 * identifies a person.
 *
 * @param purgeId         the {@code purge} row, or null for a dry run or a scheduled run with nothing due
 * @param asOf            the instant the purge was run as of
 * @param cutoff          {@code asOf − retention}; entries strictly older went
 * @param futureAsOf      {@code asOf} was later than the clock when it ran (recorded as such)
 * @param dryRun          nothing was changed; the counts say what would go
 * @param recorded        a {@code purge} row was written
 * @param purgedScans     scans deleted
 * @param purgedVisitors  visitor identities destroyed
 * @param purgedTokenUses {@code token_use} rows deleted
 * @param abandonedClosed earlier purges found open (crashed) and closed as abandoned before this one
 * @param startedAt       clock at the start
 * @param finishedAt      clock at the end
 */
public record PurgeResult(Long purgeId, Instant asOf, Instant cutoff, boolean futureAsOf, boolean dryRun,
                          boolean recorded, long purgedScans, long purgedVisitors, long purgedTokenUses,
                          int abandonedClosed, Instant startedAt, Instant finishedAt) {

    /** The JSON the {@code purge} command prints: docs/design.md's three fields first, then the rest. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cutoff", cutoff.toString());
        m.put("purgedScans", purgedScans);
        m.put("purgedVisitors", purgedVisitors);
        m.put("purgedTokenUses", purgedTokenUses);
        m.put("asOf", asOf.toString());
        m.put("futureAsOf", futureAsOf);
        m.put("dryRun", dryRun);
        m.put("purgeId", purgeId);
        if (abandonedClosed > 0) {
            m.put("abandonedPurgesClosed", abandonedClosed);
        }
        m.put("startedAt", startedAt.toString());
        m.put("finishedAt", finishedAt.toString());
        return m;
    }
}
