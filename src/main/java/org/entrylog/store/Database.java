package org.entrylog.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The store: one connection for writes (used by {@link WriteQueue}, or directly by a command), and a
 * small pool of connections for queries. Either the SQLite file of one data folder (the default) or
 * a PostgreSQL database named by {@code ENTRYLOG_DATABASE_URL} ({@link Dialect}); the rest of the
 * code gets connections the same way for both, and the few statements that differ ask
 * {@link #dialect()} (docs/architecture.md, "Two stores").
 *
 * <p>On PostgreSQL every write transaction begins by taking one transaction-scoped advisory lock,
 * {@link #WRITER_LOCK}: the serialization point of the hash chains that several servers share
 * (see {@link #begin}). What follows is about SQLite.
 *
 * <p>Opened in WAL mode with {@code synchronous=FULL}, so an acknowledged commit survives a crash
 * or power loss (docs/threat-model.md T21, T22); {@code secure_delete} so deleted rows are overwritten in the
 * file; {@code busy_timeout} so a lock held by a command is waited for rather than failed.
 */
public final class Database implements AutoCloseable {
    public static final String FILE_NAME = "entrylog.db";

    /** Which store is behind the connections. */
    public enum Dialect { SQLITE, POSTGRES }

    /**
     * The key of the PostgreSQL advisory lock every write transaction takes first
     * ({@code pg_advisory_xact_lock}): 'entrylog' in ASCII. It makes the writers of all servers on one
     * database take turns, so each reads the chain heads ({@code chain_head}) and appends after the
     * other's commit, and no two transactions ever wait on each other's row locks in opposite orders.
     */
    public static final long WRITER_LOCK = 0x656e7472796c6f67L;
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int BUSY_TIMEOUT_MS = 5000;
    private static final int READERS = 4;
    /**
     * The largest file whose whole {@code quick_check} runs before the server starts (1 GiB: seconds).
     * A larger file is checked the same way in the background once the server runs
     * ({@link #checkWholeFile}): at 200 M scans (35 GB) the check reads the file in b-tree order at
     * 6–20 MB/s from this project's disk and would keep the server down for up to an hour
     * (BENCHMARKS.md). The system property {@code entrylog.startCheckMaxBytes} changes it, for tests.
     */
    public static final long START_CHECK_MAX_BYTES = 1L << 30;

    private final Path file;
    private final Dialect dialect;
    /** The PostgreSQL database, null on SQLite. */
    private final DatabaseUrl url;
    private volatile Connection writer;
    private final BlockingQueue<Connection> readers;
    /** The whole-file check was left for after the start (a large file): see {@link #checkWholeFile}. */
    private boolean wholeFileCheckDeferred;

    private Database(Path file, Dialect dialect, DatabaseUrl url, Connection writer, BlockingQueue<Connection> readers) {
        this.file = file;
        this.dialect = dialect;
        this.url = url;
        this.writer = writer;
        this.readers = readers;
    }

    /**
     * Opens the store of a data folder: the PostgreSQL database {@code databaseUrl} when it is not
     * empty (the data folder then holds keys and settings only), else the SQLite file in it.
     */
    public static Database open(Path dataDir, String databaseUrl, boolean fullCheck) {
        if (databaseUrl == null || databaseUrl.isBlank()) {
            return open(dataDir, fullCheck);
        }
        DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
        Connection w = PostgresStore.openWriter(url);
        BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(READERS);
        try {
            for (int i = 0; i < READERS; i++) {
                pool.add(PostgresStore.connect(url));
            }
        } catch (RuntimeException e) {
            pool.forEach(Database::closeQuietly);
            closeQuietly(w);
            throw e;
        }
        return new Database(dataDir.resolve(FILE_NAME), Dialect.POSTGRES, url, w, pool);
    }

    /** Opens the store named by the settings ({@code ENTRYLOG_DATA}, {@code ENTRYLOG_DATABASE_URL}). */
    public static Database open(org.entrylog.config.Config config) {
        return open(config.dataDir(), config.databaseUrl(), false);
    }

    public Dialect dialect() {
        return dialect;
    }

    public boolean isPostgres() {
        return dialect == Dialect.POSTGRES;
    }

    /**
     * Whether a connection handed out by a {@link Database} is PostgreSQL's: for the owner classes
     * that keep a dialect-specific statement beside the portable one and are given only a connection.
     */
    public static boolean isPostgres(Connection c) {
        return c instanceof org.postgresql.PGConnection;
    }

    /**
     * Begins a write transaction on the write connection: {@code BEGIN IMMEDIATE} on SQLite (the
     * file's write lock at once); on PostgreSQL {@code BEGIN} and then {@link #WRITER_LOCK}, held
     * until commit or rollback (released too when a server dies: its connection closes).
     */
    public void begin(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (dialect == Dialect.SQLITE) {
                s.execute("BEGIN IMMEDIATE");
            } else {
                s.execute("BEGIN");
                s.execute("SELECT pg_advisory_xact_lock(" + WRITER_LOCK + ")");
            }
        }
    }

    /**
     * A connection of its own for a lock held across transactions (the purge lock on PostgreSQL);
     * the caller closes it. SQLite has no use for one.
     */
    public Connection openSession() {
        if (dialect != Dialect.POSTGRES) {
            throw new IllegalStateException("only a PostgreSQL store opens extra sessions");
        }
        return PostgresStore.connect(url);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }

    /**
     * Opens (creating when absent) the database in {@code dataDir} and brings its schema up to
     * date. A file that is not an entrylog database, or is corrupt, is refused, never overwritten
     * (docs/threat-model.md T25).
     */
    public static Database open(Path dataDir) {
        return open(dataDir, false);
    }

    /**
     * Opens the database; with {@code fullCheck} also runs {@code PRAGMA quick_check} over the whole
     * file first (the server does, at start; commands only check the header and schema).
     */
    public static Database open(Path dataDir, boolean fullCheck) {
        try {
            Files.createDirectories(dataDir);
            Path file = dataDir.resolve(FILE_NAME);
            long size = Files.exists(file) ? Files.size(file) : 0;
            boolean existed = size > 0;
            boolean deferCheck = fullCheck && size > Long.getLong("entrylog.startCheckMaxBytes", START_CHECK_MAX_BYTES);
            Connection w = StatementCache.wrap(connect(file, false));
            try {
                checkHealthy(w, file, existed, fullCheck && !deferCheck);
                // Only now, with the file known to be ours (or new), may anything be written to it:
                // switching to WAL rewrites the header, which must not happen to a foreign file.
                useWal(w);
                Migrations.apply(w);
                ensureIncrementalVacuum(w, file, existed);
            } catch (SQLException | RuntimeException e) {
                w.close();
                throw e;
            }
            BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(READERS);
            for (int i = 0; i < READERS; i++) {
                pool.add(StatementCache.wrap(connect(file, true)));
            }
            FilePermissions.ownerOnly(file);
            Database db = new Database(file, Dialect.SQLITE, null, w, pool);
            db.wholeFileCheckDeferred = deferCheck;
            return db;
        } catch (SQLException | IOException e) {
            if (e instanceof org.sqlite.SQLiteException se && se.getResultCode() == org.sqlite.SQLiteErrorCode.SQLITE_NOTADB) {
                throw new StoreException("The file " + dataDir.resolve(FILE_NAME) + " is not a database (not SQLite, or "
                        + "encrypted or damaged beyond its header). Refusing to start; the file was left untouched.", e);
            }
            throw new StoreException("Cannot open the database " + dataDir.resolve(FILE_NAME) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A connection with the per-connection settings. The journal mode is a setting of the file,
     * not of the connection: the writer sets it in {@link #useWal} only after the file passed the
     * checks; read-only connections, opened after that, find it set.
     */
    private static Connection connect(Path file, boolean readOnly) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        if (readOnly) {
            cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        }
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        cfg.enforceForeignKeys(true);
        cfg.setReadOnly(readOnly);
        // Nothing here asks for generated keys (ids are chosen before the INSERT); left on, sqlite-jdbc
        // prepares and runs "SELECT last_insert_rowid()" after every INSERT: two per scan (issue 18)
        cfg.setGetGeneratedKeys(false);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), cfg.toProperties());
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA trusted_schema = OFF");
            s.execute("PRAGMA secure_delete = ON");
        }
        return c;
    }

    /**
     * Makes sure the file can give freed pages back ({@code auto_vacuum = INCREMENTAL}), which the
     * retention purge needs so that purged rows leave the file. {@link #useWal} asks for it before a
     * new file gets its first table; a file made without it (by an older entrylog) takes a VACUUM,
     * so it is checked here, once the schema is in place, and such a file is rebuilt once (for a
     * large old one that takes as long as copying the file, once).
     */
    private static void ensureIncrementalVacuum(Connection c, Path file, boolean existed) throws SQLException {
        try (Statement s = c.createStatement()) {
            int mode;
            try (ResultSet rs = s.executeQuery("PRAGMA auto_vacuum")) {
                mode = rs.next() ? rs.getInt(1) : 0;
            }
            if (mode == 2) {
                return;
            }
            s.execute("PRAGMA auto_vacuum = INCREMENTAL");
            try {
                s.execute("VACUUM");
                if (existed) {
                    LOG.info("database {} rebuilt once with auto_vacuum=INCREMENTAL, so purged pages can leave the file",
                            file);
                }
            } catch (SQLException e) {
                // Another process holds the file (a running server): it does this on its own start.
                LOG.warn("could not switch {} to incremental vacuum now ({}); purges will still zero deleted rows "
                        + "but the file will not shrink until it is", file, e.getMessage());
            }
        }
    }

    private static void useWal(Connection w) throws SQLException {
        try (Statement s = w.createStatement()) {
            s.execute("PRAGMA auto_vacuum = INCREMENTAL"); // takes effect on a new file only
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                String mode = rs.next() ? rs.getString(1) : "";
                if (!"wal".equalsIgnoreCase(mode)) {
                    throw new StoreException("The database cannot be switched to WAL mode (it stays in '" + mode
                            + "' mode); refusing to run without it.");
                }
            }
        }
    }

    private static void checkHealthy(Connection c, Path file, boolean existed, boolean fullCheck) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (existed && fullCheck) {
                try (ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                    String result = rs.next() ? rs.getString(1) : "no answer";
                    if (!"ok".equals(result)) {
                        throw new StoreException("The database " + file + " is damaged (" + result
                                + "). Refusing to start; restore a backup. The file was left untouched.");
                    }
                }
            }
            if (existed) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name = 'scan_log'")) {
                    int version = Migrations.userVersion(c);
                    if (rs.next() && rs.getInt(1) == 0 && (version != 0 || hasTables(c))) {
                        throw new StoreException("The file " + file + " is not an entrylog database. Refusing to "
                                + "start; point ENTRYLOG_DATA at an empty or an entrylog data folder.");
                    }
                }
                Migrations.requireKnownVersion(c);
            }
        } catch (SQLException e) {
            throw new StoreException("The database " + file + " cannot be read (" + e.getMessage()
                    + "). Refusing to start; the file was left untouched.", e);
        }
    }

    /** Whether the whole-file check of a large file was left for {@link #checkWholeFile}, after the start. */
    public boolean wholeFileCheckDeferred() {
        return wholeFileCheckDeferred;
    }

    /**
     * {@code PRAGMA quick_check} over the whole file on a connection of its own (read-only, so it holds
     * no pooled reader and blocks no writer; the WAL cannot be reset while its snapshot is open, so it
     * grows by what is written meanwhile): null when the file is sound, else what is wrong.
     */
    public String checkWholeFile() {
        // The check's snapshot keeps SQLite from copying what is written meanwhile into the file, so the
        // WAL grows (gigabytes on a busy 35 GB log); left to the writer, the first commit after the check
        // would copy all of it before answering, holding every scan for minutes (issue 18). So the
        // writer's own checkpoints pause, and that copy is made here, beside the writer, afterwards.
        try (Held paused = checkpoints(Checkpoints.PAUSED)) {
            try (Connection c = connect(file, true); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                return "ok".equals(result) ? null : result;
            } catch (SQLException e) {
                return e.getMessage();
            } finally {
                try (Connection c = connect(file, false); Statement s = c.createStatement()) {
                    s.execute("PRAGMA wal_checkpoint(PASSIVE)");
                } catch (SQLException e) {
                    LOG.warn("copying the WAL into the file after the check: {}", e.getMessage());
                }
            }
        }
    }

    /** SQLite's default: the writer copies the WAL into the file after a commit past this many pages. */
    static final int SQLITE_AUTOCHECKPOINT_PAGES = 1000;
    /**
     * While a purge runs: its chunks dirty pages all over the file, and each automatic checkpoint
     * copies them into it and syncs it while the commit that ran it, and the scans of that commit,
     * wait. Copying 128 pages at a time instead of 1,000 took the waits of a concurrent scan over
     * 50 ms from 1,785 to 56 and its p99 from 58 to 35 ms in a 1.2 M-scan purge of a 35 GB file
     * (issue 18).
     */
    static final int PURGE_AUTOCHECKPOINT_PAGES = 128;

    /** What runs beside the writer, setting how often it checkpoints. */
    public enum Checkpoints {
        /** A long reader (the whole-file check): none, copied afterwards beside the writer. */
        PAUSED,
        /** A purge: small and often. */
        SMALL
    }

    /** A setting of the writer's checkpoints, released on close. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Object checkpointPolicy = new Object();
    private int pausedBy;
    private int smallBy;

    /**
     * Sets the writer's automatic checkpoints for as long as the result is held: paused wins over
     * small, which wins over SQLite's default. Nothing on PostgreSQL.
     */
    public Held checkpoints(Checkpoints what) {
        if (dialect != Dialect.SQLITE) {
            return () -> { };
        }
        adjust(what, 1);
        return new Held() {
            private boolean closed;

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    adjust(what, -1);
                }
            }
        };
    }

    private void adjust(Checkpoints what, int by) {
        synchronized (checkpointPolicy) {
            if (what == Checkpoints.PAUSED) {
                pausedBy += by;
            } else {
                smallBy += by;
            }
            setWriterAutocheckpoint(pausedBy > 0 ? 0 : smallBy > 0 ? PURGE_AUTOCHECKPOINT_PAGES
                    : SQLITE_AUTOCHECKPOINT_PAGES);
        }
    }

    private void setWriterAutocheckpoint(int pages) {
        Connection w = writer;
        synchronized (w) {
            try (Statement s = w.createStatement()) {
                s.execute("PRAGMA wal_autocheckpoint = " + pages);
            } catch (SQLException e) {
                LOG.warn("wal_autocheckpoint = {}: {}", pages, e.getMessage());
            }
        }
    }

    private static boolean hasTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    /** Bytes on disk: the database file and its write-ahead log (on PostgreSQL, the database's size). */
    public long sizeOnDisk() {
        if (dialect == Dialect.POSTGRES) {
            Long size = read(c -> Sql.value(c, "SELECT pg_database_size(current_database())"));
            return size == null ? 0 : size;
        }
        long n = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            try {
                n += Files.size(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException e) {
                // absent: counts as zero
            }
        }
        return n;
    }

    /** The SQLite file (on PostgreSQL, where it would be: its folder is the data folder). */
    public Path file() {
        return file;
    }

    /** The data folder (keys, settings, lock files). */
    public Path dataDir() {
        return file.toAbsolutePath().getParent();
    }

    /**
     * The write connection; only the single writer (or a command) may use it. On PostgreSQL a
     * connection the driver closed after losing the server (a restart, a failover to the standby) is
     * replaced by a new one here, so the next write tries the server again.
     */
    public Connection writer() {
        Connection w = writer;
        if (dialect == Dialect.POSTGRES && isClosed(w)) {
            synchronized (this) {
                if (isClosed(writer)) {
                    writer = PostgresStore.connect(url);
                }
                w = writer;
            }
        }
        return w;
    }

    private static boolean isClosed(Connection c) {
        try {
            return c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Runs a query on a pooled read-only connection. */
    public <T> T read(SqlFunction<Connection, T> query) {
        Connection c;
        try {
            c = readers.poll(BUSY_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("Interrupted while waiting for the database.");
        }
        if (c == null) {
            throw new StoreUnavailable("The database is busy; try again.");
        }
        if (dialect == Dialect.POSTGRES && isClosed(c)) {
            try {
                c = PostgresStore.connect(url);
            } catch (RuntimeException e) {
                readers.add(c); // a closed one goes back, to be replaced by the next reader
                throw new StoreUnavailable("The database cannot be reached; try again.");
            }
        }
        try {
            return query.apply(c);
        } catch (SQLException e) {
            throw StoreException.from(e);
        } finally {
            readers.add(c);
        }
    }

    /** Runs work in one immediate transaction on the write connection (for commands and rare writes). */
    public <T> T transaction(SqlFunction<Connection, T> work) {
        Connection writer = writer();
        synchronized (writer) {
            try {
                begin(writer);
                try {
                    T result = work.apply(writer);
                    try (Statement s = writer.createStatement()) {
                        s.execute("COMMIT");
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(writer);
                    throw e;
                }
            } catch (SQLException e) {
                throw StoreException.from(e);
            }
        }
    }

    static void rollbackQuietly(Connection c) {
        try (Statement s = c.createStatement()) {
            if (!c.getAutoCommit()) {
                c.rollback();
            } else {
                s.execute("ROLLBACK");
            }
        } catch (SQLException ignored) {
            // no transaction was open
        }
    }

    static String resource(String path) {
        try (InputStream in = Database.class.getResourceAsStream(path)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path, e);
        }
    }

    /**
     * Closes the read-only connections first and the writer last: the last connection to close
     * checkpoints the WAL into the main file and removes it, which only a writable one can do. So a
     * cleanly stopped server leaves one self-contained {@code entrylog.db}, safe to copy alone.
     */
    @Override
    public void close() {
        Connection writer = this.writer;
        for (Connection c : readers) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        synchronized (writer) {
            try {
                writer.close();
            } catch (SQLException e) {
                LOG.warn("closing the write connection: {}", e.getMessage());
            }
        }
    }

    /** A function that may throw {@link SQLException}. */
    @FunctionalInterface
    public interface SqlFunction<A, B> {
        B apply(A a) throws SQLException;
    }
}
