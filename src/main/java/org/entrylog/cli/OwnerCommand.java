package org.entrylog.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
import org.entrylog.owner.OwnerAccounts;
import org.entrylog.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

        @Mixin
        AccountOptions.NewAccount account;

        @Option(names = "--venue", required = true, paramLabel = "ID", description = "A venueId the owner sees "
                + "(repeat for several).")
        List<String> venues;

        @Mixin
        AccountOptions.SecondFactor totp;

        @Override
        public Integer call() {
            String password = account.password();
            try (Database db = Database.open(data.config())) {
                var accounts = new OfficialAccounts(db, new Passwords(), Main.clock());
                String u = new OwnerAccounts(db, accounts).add(account.username, password, venues);
                totp.enrollAndShow(db, data.config().dataDir(), u);
            }
            return 0;
        }
    }
}
