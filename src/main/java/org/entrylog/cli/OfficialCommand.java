package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.official.OfficialAccounts;
import org.entrylog.official.Passwords;
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

        @Mixin
        AccountOptions.NewAccount account;

        @Mixin
        AccountOptions.SecondFactor totp;

        @Option(names = "--regions", description = "ISO 3166-2 regions, comma-separated (such as KR-41,KR-11): the "
                + "official sees identities and venue lists only there. None: national.")
        String regions;

        @Override
        public Integer call() {
            RegionScope scope = RegionScope.parse(regions);
            String password = account.password();
            try (Database db = Database.open(data.config())) {
                String u = new OfficialAccounts(db, new Passwords(), Main.clock()).add(account.username, password, scope);
                totp.enrollAndShow(db, data.config().dataDir(), u);
            }
            return 0;
        }
    }

    @Command(name = "totp-reset", description = "Give an official a new second factor (a lost phone, or an account "
            + "made before second factors, which cannot sign in until it has one); the old codes stop working at once.")
    static final class TotpReset implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--username", required = true, description = "The official.")
        String username;

        @Mixin
        AccountOptions.SecondFactor totp;

        @Override
        public Integer call() {
            try (Database db = Database.open(data.config())) {
                String u = OfficialAccounts.requireUsername(username);
                totp.enrollAndShow(db, data.config().dataDir(), u);
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
