package org.entrylog.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
import org.entrylog.official.SecondFactors;
import org.entrylog.official.TotpSecrets;
import org.entrylog.owner.OwnerAccounts;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code owner add --username U --venue ID [--venue ID…] [--qr FILE]}: a venue owner (password: first
 * line of standard input; prints {@code {"username","totpUri"}}), who signs in at /venue with the
 * password and a TOTP code like an official. {@code official totp-reset} and {@code official disable}
 * work on owners' accounts too (one account table, owner/OwnerAccounts).
 */
@Command(name = "owner", description = "Manage venue owners' accounts.", subcommands = OwnerCommand.Add.class)
final class OwnerCommand {

    @Command(name = "add", description = "Add a venue owner who sees the given venues' counts (never a visitor); "
            + "the password (at least 12 characters) is the first line of standard input.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--username", required = true, description = "Sign-in name: 3-64 of a-z 0-9 . _ -")
        String username;

        @Option(names = "--venue", required = true, paramLabel = "ID", description = "A venueId the owner sees "
                + "(repeat for several).")
        List<String> venues;

        @Option(names = "--qr", paramLabel = "FILE", description = "Also write the second factor's otpauth:// URI "
                + "as a QR code PNG (owner-only) for an authenticator app.")
        Path qr;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String password = OfficialCommand.Add.firstLine();
            Passwords.requireAcceptable(password);
            OfficialAccounts.requireUsername(username);
            try (Database db = Database.open(data.config())) {
                var accounts = new OfficialAccounts(db, new Passwords(), Main.clock());
                String u = new OwnerAccounts(db, accounts).add(username, password, venues);
                String uri = new SecondFactors(db, TotpSecrets.forDataDir(data.config().dataDir())).enroll(u);
                OfficialCommand.showTotp(spec, u, uri, qr);
            }
            return 0;
        }
    }
}
