package org.entrylog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Private, throwaway PostgreSQL 15 clusters for the tests, made from Debian's binaries
 * ({@code /usr/lib/postgresql/15/bin}, else {@code pg_config --bindir}).
 *
 * <p>Each cluster lives in its own temp folder (data directory, unix socket directory, log), listens
 * only on 127.0.0.1 on a free port, and is stopped ({@code pg_ctl stop -m immediate}) and deleted by a
 * shutdown hook. It never touches a server already on the machine: no port 5432, no
 * {@code /var/lib/postgresql}, no system socket directory. {@code fsync} stays on (the tests check
 * durability); {@code shared_buffers} is small.
 *
 * <p>PostgreSQL refuses to run as root, and tests and CI run as root: then every PostgreSQL binary is
 * run as the {@code postgres} user ({@code runuser -u postgres --}, the user Debian's package creates)
 * and the temp folder is handed to that user.
 *
 * <p>One shared cluster per JVM is started lazily by the first {@link #freshDatabase()}; each call
 * creates a new empty database owned by a non-superuser role, as a deployment would run.
 * {@link #primaryWithSyncStandby()} starts a separate replicated pair for failover tests.
 */
public final class Postgres {
    /** Set to 1 (CI does) to fail, not skip, the PostgreSQL tests when PostgreSQL is missing. */
    public static final String REQUIRE_ENV = "ENTRYLOG_TEST_REQUIRE_POSTGRES";

    private static final String APP_ROLE = "entrylog";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Cluster shared;

    private Postgres() {}

    // ---- availability ----

    /** The folder of PostgreSQL 15's server binaries, or null. */
    static Path binDir() {
        Path debian = Path.of("/usr/lib/postgresql/15/bin");
        if (hasServerBinaries(debian)) {
            return debian;
        }
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && hasServerBinaries(Path.of(out))) {
                return Path.of(out);
            }
        } catch (IOException e) {
            // no pg_config on PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private static boolean hasServerBinaries(Path dir) {
        return Stream.of("initdb", "pg_ctl", "postgres", "pg_basebackup")
                .allMatch(b -> Files.isExecutable(dir.resolve(b)));
    }

    /** Why PostgreSQL tests cannot run here, or null when they can. */
    public static String unavailableReason() {
        if (binDir() == null) {
            return "PostgreSQL 15 server binaries not found (/usr/lib/postgresql/15/bin or pg_config --bindir);"
                    + " install Debian's postgresql-15 to run the PostgreSQL tests";
        }
        if (runningAsRoot() && (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))
                || !postgresUserExists())) {
            return "running as root, and PostgreSQL needs the 'postgres' user and runuser to drop root";
        }
        return null;
    }

    /** True when the PostgreSQL binaries (and, as root, a user to run them as) are present. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /**
     * Skips the calling test when PostgreSQL is missing, but fails it when
     * {@value #REQUIRE_ENV}{@code =1} (CI) so a missing server can never pass as a skip.
     */
    public static void assumeAvailable() {
        String why = unavailableReason();
        if (why == null) {
            return;
        }
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            Assertions.fail(REQUIRE_ENV + "=1 but " + why);
        }
        Assumptions.assumeTrue(false, "skipped on PostgreSQL: " + why);
    }

    private static boolean runningAsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static boolean postgresUserExists() {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.anyMatch(l -> l.startsWith("postgres:"));
        } catch (IOException e) {
            return false;
        }
    }

    // ---- the shared cluster ----

    /** A JDBC URL (with user and password) of a new, empty database on the shared cluster. */
    public static String freshDatabase() {
        Cluster c = sharedCluster();
        String name = "db_" + DATABASES.incrementAndGet();
        c.admin("CREATE DATABASE " + name + " OWNER " + APP_ROLE);
        return c.url(name);
    }

    /**
     * A cluster of its own (not the shared one), with {@code extraConf} lines appended to its
     * settings, for the benchmarks; close it to stop and delete it.
     */
    public static Cluster privateCluster(String prefix, List<String> extraConf) {
        assumeAvailable();
        return Cluster.start(prefix, extraConf);
    }

    private static synchronized Cluster sharedCluster() {
        if (shared == null) {
            assumeAvailable();
            shared = Cluster.start("entrylog-pg-", List.of());
        }
        return shared;
    }

    // ---- a replicated pair ----

    /**
     * A new primary and a synchronous streaming standby ({@code standby1}), each its own cluster,
     * with one database {@code entrylog} owned by the application role; returned once the standby
     * streams and the primary reports it {@code sync}. Close it to stop and delete both.
     */
    public static Pair primaryWithSyncStandby() {
        assumeAvailable();
        Cluster primary = Cluster.start("entrylog-pg-primary-", List.of(
                "wal_level = replica",
                "max_wal_senders = 5",
                "synchronous_commit = on"));
        try {
            String replPassword = randomHex();
            // initdb's pg_hba.conf already admits replication connections from 127.0.0.1 with a password.
            primary.admin("CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '" + replPassword + "'");
            primary.admin("CREATE DATABASE entrylog OWNER " + APP_ROLE);
            Cluster standby = Cluster.standbyOf(primary, "replicator", replPassword, "standby1");
            // Only now: with a named synchronous standby that does not exist yet, every commit would wait.
            primary.admin("ALTER SYSTEM SET synchronous_standby_names = 'standby1'");
            primary.admin("SELECT pg_reload_conf()");
            Pair pair = new Pair(primary, standby);
            pair.awaitSync();
            return pair;
        } catch (RuntimeException e) {
            primary.close();
            throw e;
        }
    }

    /** A primary and its synchronous standby. */
    public static final class Pair implements AutoCloseable {
        public final Cluster primary;
        public final Cluster standby;

        private Pair(Cluster primary, Cluster standby) {
            this.primary = primary;
            this.standby = standby;
        }

        /** The JDBC URL of the {@code entrylog} database on the primary. */
        public String primaryUrl() {
            return primary.url("entrylog");
        }

        /** The JDBC URL of the {@code entrylog} database on the standby (read-only until promoted). */
        public String standbyUrl() {
            return standby.url("entrylog");
        }

        void awaitSync() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String state = null;
            while (System.nanoTime() < deadline) {
                state = primary.adminQuery("SELECT sync_state || '/' || state FROM pg_stat_replication"
                        + " WHERE application_name = 'standby1'");
                if ("sync/streaming".equals(state)) {
                    return;
                }
                sleep(100);
            }
            throw new IllegalStateException("standby1 not streaming in sync after 60 s (last: " + state + ")\n"
                    + standby.logTail());
        }

        /** SIGKILL the primary's postmaster and every process under it, as if its machine died. */
        public void killPrimary() {
            primary.kill();
        }

        /** {@code pg_ctl promote} the standby and wait until it leaves recovery. */
        public void promoteStandby() {
            standby.pgCtl("promote", "-w", "-t", "60");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if ("f".equals(standby.adminQuery("SELECT CASE WHEN pg_is_in_recovery() THEN 't' ELSE 'f' END"))) {
                    return;
                }
                sleep(100);
            }
            throw new IllegalStateException("standby still in recovery 60 s after promote\n" + standby.logTail());
        }

        @Override
        public void close() {
            try {
                standby.close();
            } finally {
                primary.close();
            }
        }
    }

    // ---- one cluster ----

    /** One private cluster: its folder, port and passwords. */
    public static final class Cluster implements AutoCloseable {
        public final Path base;
        public final Path data;
        public final int port;
        private final String adminPassword;
        private final String appPassword;
        private final Thread hook;
        private volatile boolean closed;

        private Cluster(Path base, int port, String adminPassword, String appPassword) {
            this.base = base;
            this.data = base.resolve("data");
            this.port = port;
            this.adminPassword = adminPassword;
            this.appPassword = appPassword;
            this.hook = new Thread(this::stopAndDelete, "postgres-cleanup-" + port);
            Runtime.getRuntime().addShutdownHook(hook);
        }

        static Cluster start(String prefix, List<String> extraConf) {
            IllegalStateException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                Path base = newBase(prefix);
                String adminPassword = randomHex();
                String appPassword = randomHex();
                Cluster c = null;
                try {
                    c = new Cluster(base, freePort(), adminPassword, appPassword);
                    Path pwfile = base.resolve("pwfile");
                    Files.writeString(pwfile, adminPassword + "\n");
                    handOver(base);
                    run(base, List.of(bin("initdb"), "-D", c.data.toString(), "-U", "postgres",
                            "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
                            "--encoding=UTF8", "--locale=C", "--no-instructions"));
                    Files.delete(pwfile);
                    List<String> conf = new ArrayList<>(settings(base, c.port));
                    conf.addAll(extraConf);
                    appendConf(c.data.resolve("postgresql.conf"), conf);
                    c.pgCtl("start", "-w", "-t", "60", "-l", base.resolve("server.log").toString());
                    c.admin("CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + appPassword + "'");
                    return c;
                } catch (IOException | RuntimeException e) {
                    String log = c == null ? "" : "\n" + c.logTail();
                    last = new IllegalStateException("could not start a PostgreSQL cluster in " + base + log, e);
                    if (c != null) {
                        c.close();
                    } else {
                        deleteTree(base);
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        break;
                    }
                }
            }
            throw last;
        }

        static Cluster standbyOf(Cluster primary, String replUser, String replPassword, String appName) {
            Path base = newBase("entrylog-pg-standby-");
            Cluster c = null;
            try {
                c = new Cluster(base, freePort(), primary.adminPassword, primary.appPassword);
                handOver(base);
                String conninfo = "host=127.0.0.1 port=" + primary.port + " user=" + replUser
                        + " password=" + replPassword + " application_name=" + appName;
                run(base, List.of(bin("pg_basebackup"), "-d", conninfo, "-D", base.resolve("data").toString(),
                        "-R", "-X", "stream", "-c", "fast"));
                List<String> conf = new ArrayList<>(settings(base, c.port));
                // The standby copied the primary's settings; once promoted it has no standby of its own,
                // so it must not wait for one (synchronous commit would hang every write).
                conf.add("synchronous_standby_names = ''");
                conf.add("primary_conninfo = '" + conninfo + "'");
                appendConf(base.resolve("data/postgresql.auto.conf"), conf);
                c.pgCtl("start", "-w", "-t", "60", "-l", base.resolve("server.log").toString());
                return c;
            } catch (IOException | RuntimeException e) {
                String log = c == null ? "" : "\n" + c.logTail();
                if (c != null) {
                    c.close();
                } else {
                    deleteTree(base);
                }
                throw new IllegalStateException("could not start the standby" + log, e);
            }
        }

        private static List<String> settings(Path base, int port) {
            return List.of(
                    "# entrylog tests: a private, throwaway cluster",
                    "listen_addresses = '127.0.0.1'",
                    "port = " + port,
                    "unix_socket_directories = '" + base.resolve("sock") + "'",
                    "fsync = on",
                    "synchronous_commit = on",
                    "full_page_writes = on",
                    "shared_buffers = 16MB",
                    "max_connections = 200",
                    "log_min_messages = warning",
                    "log_timezone = 'UTC'",
                    "timezone = 'UTC'");
        }

        /** A JDBC URL of a new, empty database on this cluster owned by the application role. */
        public String newDatabase() {
            String name = "db_" + DATABASES.incrementAndGet();
            admin("CREATE DATABASE " + name + " OWNER " + APP_ROLE);
            return url(name);
        }

        /** The JDBC URL of database {@code db} as the application role. */
        public String url(String db) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=" + APP_ROLE + "&password=" + appPassword;
        }

        /** The JDBC URL of database {@code db} as the superuser (for the harness and inspections). */
        public String adminUrl(String db) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + db + "?user=postgres&password=" + adminPassword;
        }

        void admin(String sql) {
            try (Connection c = DriverManager.getConnection(adminUrl("postgres")); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        /** The first column of the first row, as text; null when there is no row. */
        String adminQuery(String sql) {
            try (Connection c = DriverManager.getConnection(adminUrl("postgres")); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                return rs.next() ? rs.getString(1) : null;
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        void pgCtl(String... args) {
            List<String> cmd = new ArrayList<>(List.of(bin("pg_ctl"), "-D", data.toString()));
            cmd.addAll(List.of(args));
            run(base, cmd);
        }

        /** The postmaster's pid, from the first line of {@code postmaster.pid}. */
        public long postmasterPid() {
            try {
                return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** SIGKILL the postmaster and its children (no shutdown, no checkpoint), and wait until they are gone. */
        public void kill() {
            ProcessHandle postmaster = ProcessHandle.of(postmasterPid())
                    .orElseThrow(() -> new IllegalStateException("no postmaster running for " + data));
            List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
            all.add(0, postmaster);
            all.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (all.stream().anyMatch(ProcessHandle::isAlive)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("postgres processes survived SIGKILL");
                }
                sleep(20);
            }
        }

        /** The end of the server's log, for failure messages. */
        public String logTail() {
            try {
                List<String> lines = Files.readAllLines(base.resolve("server.log"));
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no server log)";
            }
        }

        private void stopAndDelete() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (Files.exists(data.resolve("postmaster.pid"))) {
                    pgCtl("stop", "-m", "immediate", "-w", "-t", "30");
                }
            } catch (RuntimeException e) {
                // already dead (killed by a test): nothing to stop
            }
            deleteTree(base);
        }

        @Override
        public void close() {
            stopAndDelete();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
    }

    // ---- plumbing ----

    private static String bin(String name) {
        Path dir = binDir();
        if (dir == null) {
            throw new IllegalStateException(unavailableReason());
        }
        return dir.resolve(name).toString();
    }

    private static Path newBase(String prefix) {
        try {
            Path base = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
            Files.createDirectories(base.resolve("sock"));
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** As root, gives the folder to the {@code postgres} user, who will run the binaries. */
    private static void handOver(Path base) {
        if (runningAsRoot()) {
            exec(List.of("chown", "-R", "postgres:postgres", base.toString()), base);
        }
    }

    /** Runs a PostgreSQL binary (as {@code postgres} when we are root); fails with its output. */
    private static void run(Path base, List<String> cmd) {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(cmd);
        exec(full, base);
    }

    private static void exec(List<String> cmd, Path cwd) {
        try {
            Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", redact(cmd)) + " took over 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", redact(cmd)) + " exited " + p.exitValue() + ":\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> redact(List<String> cmd) {
        return cmd.stream().map(a -> a.contains("password=") ? a.replaceAll("password=\\S+", "password=…") : a).toList();
    }

    private static void appendConf(Path file, List<String> lines) throws IOException {
        // Appending keeps the file's owner (postgres) and mode; later lines win over earlier ones.
        Files.writeString(file, "\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String randomHex() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path base) {
        if (!Files.exists(base)) {
            return;
        }
        // A cluster holds thousands of files; surefire kills a forked JVM whose shutdown hooks take
        // too long, so the deletion runs as a process of its own that outlives this JVM if need be.
        try {
            Process rm = new ProcessBuilder("rm", "-rf", base.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (rm.waitFor(60, TimeUnit.SECONDS) && rm.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // no rm: delete from here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try (Stream<Path> paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a temp folder
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
