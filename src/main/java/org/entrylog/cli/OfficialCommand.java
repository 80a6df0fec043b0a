package org.entrylog.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
import org.entrylog.official.SecondFactors;
import org.entrylog.official.TotpSecrets;
import org.entrylog.official.RegionScope;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code official add --username U [--qr FILE]} (password: first line of standard input; prints
 * {@code {"username","totpUri"}}), {@code official totp-reset --username U [--qr FILE]} and
 * {@code official disable --username U}.
 */
@Command(name = "official", description = "Manage health officials' accounts.",
        subcommands = {OfficialCommand.Add.class, OfficialCommand.Disable.class, OfficialCommand.TotpReset.class})
final class OfficialCommand {

    @Command(name = "add", description = "Add an official; the password (at least 12 characters) is the first line "
            + "of standard input, so it never appears in the process list or shell history.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--username", required = true, description = "Sign-in name: 3-64 of a-z 0-9 . _ -")
        String username;

        @Option(names = "--qr", paramLabel = "FILE", description = "Also write the second factor's otpauth:// URI "
                + "as a QR code PNG (owner-only) for an authenticator app.")
        Path qr;
        @Option(names = "--regions", description = "ISO 3166-2 regions, comma-separated (such as KR-41,KR-11): the "
                + "official sees identities and venue lists only there. None: national.")
        String regions;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            RegionScope scope = RegionScope.parse(regions);
            String password = firstLine();
            Passwords.requireAcceptable(password);
            OfficialAccounts.requireUsername(username);
            try (Database db = Database.open(data.config())) {
                String u = new OfficialAccounts(db, new Passwords(), Main.clock()).add(username, password, scope);
                String uri = new SecondFactors(db, TotpSecrets.forDataDir(data.config().dataDir())).enroll(u);
                showTotp(spec, u, uri, qr);
            }
            return 0;
        }

        static String firstLine() {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String line = r.readLine();
                if (line == null) {
                    throw new IllegalArgumentException("Give the password as the first line of standard input.");
                }
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Prints the account and its TOTP URI, and shows the URI as a QR code where asked or where a person is looking. */
    static void showTotp(CommandSpec spec, String username, String uri, Path qr) {
        if (qr != null) {
            TotpQr.writePng(uri, qr);
        }
        if (System.console() != null) {
            System.err.println("Scan this with the official's authenticator app (it holds the second factor's secret):");
            TotpQr.drawOnTerminal(uri, System.err);
        }
        Main.printJson(spec.commandLine().getOut(), Json.obj("username", username, "totpUri", uri));
    }

    @Command(name = "totp-reset", description = "Give an official a new second factor (a lost phone, or an account "
            + "made before second factors, which cannot sign in until it has one); the old codes stop working at once.")
    static final class TotpReset implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--username", required = true, description = "The official.")
        String username;

        @Option(names = "--qr", paramLabel = "FILE", description = "Also write the otpauth:// URI as a QR code PNG.")
        Path qr;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = Database.open(data.config())) {
                String u = OfficialAccounts.requireUsername(username);
                String uri = new SecondFactors(db, TotpSecrets.forDataDir(data.config().dataDir())).enroll(u);
                showTotp(spec, u, uri, qr);
            }
            return 0;
        }
    }

    @Command(name = "disable", description = "Disable an official and end their sessions; a running server refuses "
            + "them at their next request.")
    static final class Disable implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--username", required = true, description = "The official to disable.")
        String username;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = Database.open(data.config())) {
                var accounts = new OfficialAccounts(db, null, Main.clock());
                int ended = accounts.disable(username);
                Main.printJson(spec.commandLine().getOut(), Json.obj("username",
                        OfficialAccounts.requireUsername(username), "disabled", true, "sessionsEnded", ended));
            }
            return 0;
        }
    }
}
