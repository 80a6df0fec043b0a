package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.log.LogVerifier;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code verify}: walks both hash chains (scan_log, audit_log); exit 0 when intact, 1 naming the first bad entry otherwise. */
@Command(name = "verify", description = "Check that the scan log and the audit log are intact.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    Main.DataOption data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (Database db = Database.open(data.config().dataDir())) {
            LogVerifier.Result r = db.read(LogVerifier::verifyScanLog);
            LogVerifier.Result audit = db.read(LogVerifier::verifyAuditLog);
            // "ok" and "entries" keep their meaning for the scan log's clients; "ok" is false when either chain is broken
            boolean ok = r.ok() && audit.ok();
            java.util.Map<String, Object> out = r.toJson();
            out.put("ok", ok);
            out.put("audit", audit.toJson());
            Main.printJson(spec.commandLine().getOut(), out);
            return ok ? 0 : 1;
        }
    }
}
