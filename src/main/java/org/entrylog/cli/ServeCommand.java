package org.entrylog.cli;

import java.nio.channels.FileLock;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.entrylog.common.Json;
import org.entrylog.Entrylog;
import org.entrylog.config.Config;
import org.entrylog.web.Tls;
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
        Map<String, Object> out = started(base, bound, config.dataDir().toAbsolutePath().normalize().toString(), app.tls());
        if (app.tls() != null) {
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

    /**
     * The line {@code serve} prints once it listens: its URL, port and data folder, every page by
     * who uses it, and with HTTPS the certificate and its SHA-256 fingerprint. With a local
     * certificate authority ({@code ENTRYLOG_TLS=self-signed}) also the authority's certificate and
     * fingerprint, which is what a tablet operator compares on {@code /ca} before installing it (the
     * server certificate's own fingerprint changes whenever it is issued again), and the {@code /ca} page.
     */
    static Map<String, Object> started(String base, int port, String dataDir, Tls.Material tls) {
        Map<String, Object> pages = Json.obj("visitor", base + "/pass", "card", base + "/card",
                "scanner", base + "/scan", "official", base + "/console", "owner", base + "/venue",
                "transparency", base + "/transparency");
        if (tls != null && tls.authority() != null) {
            pages.put("ca", base + "/ca");
        }
        Map<String, Object> out = Json.obj("status", "serving", "url", base, "port", port, "data", dataDir,
                "pages", pages);
        if (tls != null) {
            out.put("tlsCertificate", tls.certificate().toString());
            out.put("tlsFingerprintSha256", tls.fingerprint());
            if (tls.authority() != null) {
                out.put("caCertificate", tls.authority().toString());
                out.put("caFingerprintSha256", tls.authorityFingerprint());
            }
        }
        return out;
    }
}
