package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.config.Config;
import org.entrylog.pass.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keys rotate}: a new signing key; passes signed by the old one stay valid until they expire. */
@Command(name = "keys", description = "Manage the server's signing keys.", subcommands = KeysCommand.Rotate.class)
final class KeysCommand {

    @Command(name = "rotate", description = "Make a new signing key; the old key's passes stay valid until they expire.")
    static final class Rotate implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config config = data.config();
            SigningKeys keys = SigningKeys.openOrCreate(config.dataDir(), Main.clock());
            String previous = keys.active().kid();
            String kid = keys.rotate(Main.clock());
            Main.printJson(spec.commandLine().getOut(), Json.obj("kid", kid, "previousKid", previous));
            return 0;
        }
    }
}
