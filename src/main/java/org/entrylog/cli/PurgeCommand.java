package org.entrylog.cli;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import org.entrylog.config.Config;
import org.entrylog.retention.PurgeResult;
import org.entrylog.retention.Purger;
import org.entrylog.pass.SigningKeys;
import org.entrylog.transparency.Checkpoints;
import org.entrylog.transparency.Receipts;
import org.entrylog.transparency.SignedStatements;
import java.time.Duration;
import java.util.Map;
import org.entrylog.retention.RetentionPolicy;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code purge [--as-of INSTANT] [--dry-run] [--yes]}: the retention purge, the same as the server's job,
 * on the data folder of a running server or a stopped one. Prints
 * {@code {"cutoff","purgedScans","purgedVisitors",…}}. A future {@code --as-of} needs {@code --yes}
 * unless {@code --dry-run}: without it, exit 2 and nothing deleted.
 */
@Command(name = "purge", description = "Destroy entries older than the retention period (env ENTRYLOG_RETENTION_DAYS, "
        + "default 28).")
final class PurgeCommand implements Callable<Integer> {
    /** A purge already running (the server's, or another command's) is waited for this long. */
    static final Duration WAIT_FOR_OTHER = Duration.ofMinutes(15);

    @Mixin
    Main.DataOption data;

    @Option(names = "--as-of", paramLabel = "INSTANT",
            description = "Purge as of this instant (ISO-8601 with Z or an offset, e.g. 2026-04-01T00:00:00Z) "
                    + "instead of now. A future instant is allowed and recorded as such.")
    String asOf;

    @Option(names = "--dry-run", description = "Count what would be destroyed; change nothing and record nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Confirm a purge as of a future instant: it destroys entries that are "
            + "still inside the retention period (issue 14: a demonstration once wiped real data).")
    boolean yes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = data.config();
        Instant at = asOf == null ? Main.clock().instant() : parse(asOf);
        // A future as-of destroys entries the law still requires to be kept; a typo or a copied
        // demonstration must not do that silently. Refused before the database is even opened.
        if (at.isAfter(Main.clock().instant()) && !dryRun && !yes) {
            String why = "--as-of " + at + " is in the future: this purge would destroy entries still inside the "
                    + "retention period. Nothing was deleted. Add --dry-run to see what it would destroy, or --yes "
                    + "to destroy it.";
            spec.commandLine().getErr().println("purge: " + why);
            spec.commandLine().getErr().flush();
            Main.printJson(spec.commandLine().getOut(), Map.of("ok", false, "error", why));
            return 2;
        }
        try (Database db = Database.open(config)) {
            SignedStatements statements = new SignedStatements(SigningKeys.openOrCreate(config.dataDir(), Main.clock()));
            Receipts receipts = new Receipts(db, statements);
            Checkpoints checkpoints = new Checkpoints(db, statements, Main.clock(), config.checkpointInterval());
            Purger purger = new Purger(db, Purger.direct(db), RetentionPolicy.ofDays(config.retentionDays()),
                    Main.clock(), Purger.RunBy.COMMAND)
                    .auditRetention(Duration.ofDays(config.auditRetentionDays()))
                    .onClosed((id, res) -> {
                        db.transaction(receipts::issueMissing);
                        db.transaction(checkpoints::take); // as the server does after each purge it closes
                    });
            PurgeResult r = dryRun ? purger.dryRun(at) : purger.purge(at, WAIT_FOR_OTHER);
            Map<String, Object> out = r.toJson();
            if (r.purgeId() != null) {
                out.put("receipt", receipts.forPurge(r.purgeId()));
            }
            Main.printJson(spec.commandLine().getOut(), out);
        }
        return 0;
    }

    /** An instant with its offset stated; a local time without one is refused, never guessed. */
    static Instant parse(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--as-of must be an ISO-8601 instant with Z or an offset, such as "
                    + "2026-04-01T00:00:00Z; was '" + text + "'");
        }
    }
}
