package org.entrylog.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import org.entrylog.config.Config;
import org.entrylog.common.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar entrylog.jar <command> [--data DIR] …}. Every command prints one JSON object on
 * standard output; logs go to standard error.
 */
@Command(name = "entrylog", mixinStandardHelpOptions = true, version = "entrylog 0.1.0",
        description = "QR-code venue entry register with sealed identities and a tamper-evident log.",
        subcommands = {
            ServeCommand.class,
            VenueCommand.class,
            VerifyCommand.class,
            KeysCommand.class,
            DeviceCommand.class,
            BackupCommand.class,
            OfficialCommand.class,
            OwnerCommand.class,
            AuditCommand.class,
            UnsealCommand.class,
            PurgeCommand.class,
        })
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (for tests, without exiting the JVM). */
    public static int run(String... args) {
        return run(null, args);
    }

    /** Runs a command line with its standard output going to {@code out} (null: System.out). */
    public static int run(PrintWriter out, String... args) {
        CommandLine cl = new CommandLine(new Main());
        // UTF-8 whatever the platform's default: JSON is UTF-8 (RFC 8259), and unseal's CSV carries Korean names
        // behind a UTF-8 byte order mark; a POSIX locale would otherwise turn both into question marks.
        cl.setOut(out != null ? out : new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String message = e instanceof Config.ConfigException || e instanceof IllegalStateException
                    || e instanceof IllegalArgumentException || e instanceof org.entrylog.common.ApiException
                    || e instanceof org.entrylog.store.StoreException
                    ? e.getMessage() : e.toString();
            printJson(cmd.getOut(), Map.of("ok", false, "error", message == null ? e.toString() : message));
            return 2;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return 2;
    }

    static void printJson(PrintWriter out, Object value) {
        out.println(Json.write(value));
        out.flush();
    }

    /** {@code --data DIR}, shared by every command that works on a data folder. */
    public static final class DataOption {
        @Option(names = "--data", paramLabel = "DIR",
                description = "Data folder (env ENTRYLOG_DATA, default ./data).")
        Path data;

        Config config() {
            return Config.load(System.getenv(), data);
        }
    }

    static Clock clock() {
        return Clock.systemUTC();
    }
}
