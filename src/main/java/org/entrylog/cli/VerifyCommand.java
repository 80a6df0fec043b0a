package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.log.LogVerifier;
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
            Main.printJson(spec.commandLine().getOut(), r.toJson());
            return r.ok() ? 0 : 1;
        }
    }
}
