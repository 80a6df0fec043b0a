package org.entrylog.cli;

import java.time.Instant;
import java.util.concurrent.Callable;
import org.entrylog.audit.AuditLog;
import org.entrylog.store.Database;
import org.entrylog.common.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit [--from T] [--to T]}: lists the audit log, oldest first. */
@Command(name = "audit", description = "List the audit log of officials' requests (oldest first).")
final class AuditCommand implements Callable<Integer> {
    @Mixin
    Main.DataOption data;

    @Option(names = "--from", paramLabel = "T", description = "Only entries at or after this ISO-8601 instant.")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "Only entries at or before this ISO-8601 instant.")
    String to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long f = from == null ? Long.MIN_VALUE : Json.instant("--from", from).toEpochMilli();
        long t = to == null ? Long.MAX_VALUE : Json.instant("--to", to).toEpochMilli();
        try (Database db = Database.open(data.config())) {
            var entries = db.read(c -> AuditLog.list(c, f, t));
            Main.printJson(spec.commandLine().getOut(), Json.obj(
                    "from", from == null ? null : Instant.ofEpochMilli(f).toString(),
                    "to", to == null ? null : Instant.ofEpochMilli(t).toString(),
                    "count", entries.size(), "entries", entries));
        }
        return 0;
    }
}
