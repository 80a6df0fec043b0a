package org.entrylog.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.entrylog.common.Json;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
import org.entrylog.official.SecondFactors;
import org.entrylog.official.TotpSecrets;
import org.entrylog.store.Database;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options and output that {@code official add}, {@code owner add} and {@code official totp-reset} share. */
final class AccountOptions {
    private AccountOptions() {}

    /** {@code --username} of a new account and its password, the first line of standard input. */
    static final class NewAccount {
        @Option(names = "--username", required = true, description = "Sign-in name: 3-64 of a-z 0-9 . _ -")
        String username;

        /** The password (checked) from standard input; then the username (checked). */
        String password() {
            String password = firstLine();
            Passwords.requireAcceptable(password);
            OfficialAccounts.requireUsername(username);
            return password;
        }

        private static String firstLine() {
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

    /** {@code --qr FILE}, and a new second factor enrolled and printed as {@code {"username","totpUri"}}. */
    static final class SecondFactor {
        @Option(names = "--qr", paramLabel = "FILE", description = "Also write the second factor's otpauth:// URI "
                + "as a QR code PNG (owner-only) for an authenticator app.")
        Path qr;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        /**
         * Gives the account a new TOTP secret, prints it, and shows its URI as a QR code where asked
         * ({@code --qr}) or where a person is looking (an interactive terminal's standard error).
         */
        void enrollAndShow(Database db, Path dataDir, String username) {
            String uri = new SecondFactors(db, TotpSecrets.forDataDir(dataDir)).enroll(username);
            if (qr != null) {
                TotpQr.writePng(uri, qr);
            }
            if (System.console() != null) {
                System.err.println("Scan this with the official's authenticator app (it holds the second factor's secret):");
                TotpQr.drawOnTerminal(uri, System.err);
            }
            Main.printJson(spec.commandLine().getOut(), Json.obj("username", username, "totpUri", uri));
        }
    }
}
