package org.entrylog.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.scan.ScanStore;
import org.entrylog.store.Database;
import org.entrylog.store.FilePermissions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code backup --to FILE}: a consistent copy of the live database through SQLite's online backup,
 * taken beside a running server. The copy holds sealed identities only; the keys in
 * {@code data/keys} are not in it and are backed up separately.
 */
@Command(name = "backup", description = "Write a consistent copy of the live database to FILE.")
final class BackupCommand implements Callable<Integer> {
    @Mixin
    Main.DataOption data;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "Where to write the copy (must not exist).")
    Path to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(to)) {
            throw new IllegalArgumentException(to + " already exists; choose a new file name");
        }
        Path target = to.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        try (Database db = Database.open(data.config().dataDir())) {
            synchronized (db.writer()) {
                try (Statement s = db.writer().createStatement()) {
                    s.executeUpdate("backup to " + target);
                }
            }
        }
        FilePermissions.ownerOnly(target);
        long entries;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                if (!rs.next() || !"ok".equals(rs.getString(1))) {
                    throw new IllegalStateException("the copy failed its integrity check");
                }
            }
            entries = ScanStore.count(c);
        }
        Main.printJson(spec.commandLine().getOut(), Json.obj("backup", target.toString(), "bytes", Files.size(target),
                "entries", entries, "integrity", "ok"));
        return 0;
    }
}
