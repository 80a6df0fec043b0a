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
 *
 * <p>On PostgreSQL ({@code ENTRYLOG_DATABASE_URL}) it writes nothing: it prints what to use instead,
 * PostgreSQL's own {@code pg_dump} or {@code pg_basebackup}, and exits {@value #NOT_ON_POSTGRES}.
 */
@Command(name = "backup", description = "Write a consistent copy of the live database to FILE.")
final class BackupCommand implements Callable<Integer> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupCommand.class);

    @Mixin
    Main.DataOption data;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "Where to write the copy (must not exist).")
    Path to;

    /** How the copy is checked before it is called a backup: the SQLite pragma that does it, if any. */
    enum Check {
        full("integrity_check"), quick("quick_check"), none(null);

        final String pragma;

        Check(String pragma) {
            this.pragma = pragma;
        }
    }

    @Option(names = "--check", paramLabel = "CHECK", defaultValue = "full",
            description = "full (default): PRAGMA integrity_check of the copy, every index against its table"
                    + " (about an hour at 200 M scans); quick: PRAGMA quick_check, every page's structure but"
                    + " not the indexes' contents; none: no check (check it elsewhere).")
    Check check;

    @Spec
    CommandSpec spec;

    /** The exit code of {@code backup} on a PostgreSQL store: nothing was written, use PostgreSQL's tools. */
    static final int NOT_ON_POSTGRES = 3;

    @Override
    public Integer call() throws Exception {
        org.entrylog.config.Config config = data.config();
        if (!config.databaseUrl().isEmpty()) {
            String where = org.entrylog.store.DatabaseUrl.describe(config.databaseUrl());
            Main.printJson(spec.commandLine().getOut(), Json.obj("ok", false,
                    "error", "backup copies the SQLite file; this data folder's store is PostgreSQL (" + where
                            + "). Nothing was written. Use PostgreSQL's own tools, and back up the data folder's "
                            + "keys separately.",
                    "logical", "pg_dump --format=custom --file=entrylog-$(date +%F).dump \"$ENTRYLOG_DATABASE_URL\"",
                    "physical", "pg_basebackup --pgdata=/backups/entrylog-$(date +%F) --wal-method=stream --checkpoint=fast"
                            + " --host=HOST --username=REPLICATION_USER",
                    "restore", "pg_restore --dbname=postgresql://USER@HOST/NEWDB entrylog.dump, then `verify` with "
                            + "ENTRYLOG_DATABASE_URL pointing at it"));
            return NOT_ON_POSTGRES;
        }
        if (Files.exists(to)) {
            throw new IllegalArgumentException(to + " already exists; choose a new file name");
        }
        Path target = to.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        // owner-only before the first page is written: the copy holds every sealed identity, and at
        // 200 M scans it takes minutes (SQLite gives its journal the same permissions)
        Files.createFile(target);
        FilePermissions.ownerOnly(target);
        try (Database db = Database.open(data.config())) {
            copy(db.file(), target);
        } catch (Exception e) {
            Files.deleteIfExists(target); // no half copy left to be mistaken for a backup
            throw e;
        }
        long entries;
        long checkStart = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target);
             Statement s = c.createStatement()) {
            if (check.pragma != null) {
                LOG.info("backup: copied; checking the copy ({})", check.pragma);
                try (ResultSet rs = s.executeQuery("PRAGMA " + check.pragma)) {
                    if (!rs.next() || !"ok".equals(rs.getString(1))) {
                        throw new IllegalStateException("the copy failed its integrity check");
                    }
                }
            }
            entries = ScanStore.count(c);
        }
        LOG.info("backup: copy checked ({}) and its entries counted in {} s", check, (System.nanoTime() - checkStart) / 1_000_000_000L);
        Main.printJson(spec.commandLine().getOut(), Json.obj("backup", target.toString(), "bytes", Files.size(target),
                "entries", entries, "check", check.name(), "integrity", check.pragma == null ? "unchecked" : "ok"));
        return 0;
    }

    /** Pages copied per step of SQLite's online backup (≈ 100 MB of 4 KiB pages): progress is told per step. */
    static final int PAGES_PER_STEP = 25_000;

    /**
     * Copies the live file from one read snapshot. SQLite's online backup starts again from the first
     * page when another connection writes between two of its steps, unless the source connection
     * holds a read transaction across them: so one is opened first, and a server that keeps writing
     * (a scan every few milliseconds) no longer makes the copy start over for ever (issue 18). The
     * snapshot keeps the server's WAL from restarting while the copy runs (docs/design.md, `backup`).
     */
    private static void copy(Path source, Path target) throws java.sql.SQLException, java.io.IOException {
        org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
        config.setBusyTimeout(10_000);
        config.setReadOnly(true);
        try (Connection c = config.createConnection("jdbc:sqlite:" + source)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next(); // the read transaction, and so the snapshot, starts here and lasts to the rollback
            }
            long t0 = System.nanoTime();
            int[] told = {0};
            // The copy's pages are synced step by step: left to the end, a 36 GB copy's write-back held the
            // live server's commits on the same disk for 3.2 s (issue 18). fsync reaches the file's pages
            // whichever descriptor wrote them.
            java.nio.channels.FileChannel sync = java.nio.channels.FileChannel.open(target,
                    java.nio.file.StandardOpenOption.WRITE);
            try (sync) {
                ((org.sqlite.SQLiteConnection) c).getDatabase().backup("main", target.toString(), (remaining, pages) -> {
                    try {
                        sync.force(false);
                    } catch (java.io.IOException e) {
                        // only the pacing is lost: SQLite syncs the whole copy when it finishes
                        LOG.debug("backup: step sync failed: {}", e.getMessage());
                    }
                    progress(t0, told, remaining, pages);
                }, 100, 3, PAGES_PER_STEP);
            }
            c.rollback();
        }
    }

    /** Tells progress every 10 %. */
    private static void progress(long t0, int[] told, int remaining, int pages) {
        int percent = pages == 0 ? 100 : (int) (100L * (pages - remaining) / pages);
        if (percent >= told[0] + 10 || remaining == 0) {
            told[0] = percent;
            LOG.info("backup: {} % of {} pages copied in {} s", percent, pages, (System.nanoTime() - t0) / 1_000_000_000L);
        }
    }
}
