package org.entrylog.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.entrylog.log.LogVerifier;
import org.entrylog.retention.Purger;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code verify}: walks the hash chain; exit 0 when intact, 1 naming the first bad entry otherwise. */
@Command(name = "verify", description = "Check that the scan log is intact.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    Main.DataOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Database db = Database.open(data.config().dataDir())) {
            LogVerifier.Result r = db.read(LogVerifier::verifyScanLog);
            Map<String, Object> out = r.toJson();
            // How many retention purges the log has been through (closed purge records).
            out.put("purges", db.read(Purger::status).get("purges"));
            Main.printJson(spec.commandLine().getOut(), out);
            return r.ok() ? 0 : 1;
        }
    }
}
