package org.entrylog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.entrylog.config.Config;
import org.entrylog.audit.AuditLog;
import org.entrylog.chain.LogVerifier;
import org.entrylog.scan.ScanStore;
import org.entrylog.pass.SigningKeys;
import org.entrylog.retention.PurgeLog;
import org.entrylog.store.Database;
import org.entrylog.transparency.Checkpoints;
import org.entrylog.transparency.Receipts;
import org.entrylog.transparency.SignedStatements;
import org.entrylog.common.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code verify [--against FILE]}: walks both hash chains (scans and audit entries); exit 0 when intact,
 * 1 naming the first bad entry otherwise. With {@code --against}, also proves the logs only grew
 * since the saved checkpoint(s) in FILE (one checkpoint, an array, or a {@code /api/checkpoints} answer).
 */
@Command(name = "verify", description = "Check that the scan log and the audit log are intact.")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    Main.DataOption data;

    @Option(names = "--against", paramLabel = "FILE", description = "A saved checkpoint (JSON) to prove the log only grew since.")
    Path against;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Config config = data.config();
        try (Database db = Database.open(config)) {
            LogVerifier.Result r = db.read(ScanStore::verify);
            LogVerifier.Result audit = db.read(AuditLog::verify);
            // "ok" and "entries" keep their meaning for the scan log's clients; "ok" is false when either chain is broken
            boolean ok = r.ok() && audit.ok();
            Map<String, Object> out = r.toJson();
            out.put("audit", audit.toJson());
            // How many retention purges the log has been through (closed purge records).
            out.put("purges", db.read(PurgeLog::status).purges());
            SignedStatements statements = new SignedStatements(SigningKeys.openOrCreate(config.dataDir(),
                    Clock.systemUTC()));
            Map<String, Object> receipts = db.read(c -> Receipts.check(c, statements));
            ok &= Boolean.TRUE.equals(receipts.get("ok"));
            out.put("receipts", receipts);
            if (against != null) {
                List<Map<String, Object>> results = new ArrayList<>();
                for (JsonNode cp : checkpoints(Json.MAPPER.readTree(Files.readAllBytes(against)))) {
                    Map<String, Object> res = db.read(c -> Checkpoints.checkAgainst(c, cp, statements));
                    ok &= Boolean.TRUE.equals(res.get("ok"));
                    results.add(res);
                }
                out.put("against", results);
            }
            out.put("ok", ok);
            Main.printJson(spec.commandLine().getOut(), out);
            return ok ? 0 : 1;
        }
    }

    private static List<JsonNode> checkpoints(JsonNode file) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode list = file.has("checkpoints") ? file.get("checkpoints") : file;
        if (list.isArray()) {
            list.forEach(out::add);
        } else {
            out.add(list);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the file holds no checkpoint");
        }
        return out;
    }
}
