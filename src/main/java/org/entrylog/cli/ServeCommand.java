package org.entrylog.cli;

import java.nio.channels.FileLock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.entrylog.common.Json;
import org.entrylog.Entrylog;
import org.entrylog.config.Config;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code serve [--port N]}: runs the server until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = "Run the server (env ENTRYLOG_PORT, default 7070).")
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    Main.DataOption data;

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on; 0 picks a free one.")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Config config = data.config();
        if (port != null) {
            config = config.withPort(port);
        }
        LOG.info("effective configuration: {}", config.describe());
        // One server per SQLite file; on PostgreSQL several servers share the database (and may share
        // the data folder of keys): the chains are serialized in the database (store/Database.WRITER_LOCK).
        FileLock lock = config.databaseUrl().isEmpty() ? Entrylog.lockServer(config.dataDir()) : null;
        Entrylog app = Entrylog.open(config, Main.clock());
        int bound;
        try {
            bound = app.start();
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: finishing queued writes");
            app.close();
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (Exception ignored) {
                // the process is ending
            }
            stopped.countDown();
        }, "entrylog-shutdown"));
        String base = config.publicUrl(bound);
        Map<String, Object> out = Json.obj(
                "status", "serving",
                "url", base,
                "port", bound,
                "data", config.dataDir().toAbsolutePath().normalize().toString(),
                "pages", Json.obj("visitor", base + "/pass", "scanner", base + "/scan",
                        "official", base + "/console", "transparency", base + "/transparency"));
        if (app.tls() != null) {
            out.put("tlsCertificate", app.tls().certificate().toString());
            out.put("tlsFingerprintSha256", app.tls().fingerprint());
            LOG.info("HTTPS certificate {} has SHA-256 fingerprint {}", app.tls().certificate(), app.tls().fingerprint());
        }
        Map<String, Object> demo = app.ensureDemoVenue(bound);
        if (demo != null) {
            out.put("demoVenue", demo);
        }
        Main.printJson(spec.commandLine().getOut(), out);
        LOG.info("entrylog is serving on {}", base);
        stopped.await();
        return 0;
    }
}
