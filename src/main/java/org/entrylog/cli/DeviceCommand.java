package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code device revoke --device ID}: the tablet is refused from its next request. */
@Command(name = "device", description = "Manage enrolled tablets.", subcommands = DeviceCommand.Revoke.class)
final class DeviceCommand {

    @Command(name = "revoke", description = "Revoke a tablet; it is refused from its next request.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--device", required = true, paramLabel = "ID", description = "The deviceId to revoke.")
        String device;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = Database.open(data.config().dataDir())) {
                boolean revoked = new VenueService(db, Main.clock()).revoke(device);
                Main.printJson(spec.commandLine().getOut(), Json.obj("deviceId", device, "revoked", revoked,
                        "message", revoked ? "revoked" : "no active device with this id"));
                return revoked ? 0 : 1;
            }
        }
    }
}
