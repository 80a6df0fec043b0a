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

/**
 * {@code device revoke --device ID}: the tablet is refused from its next request;
 * {@code device list [--venue ID]}: every tablet with its label, area, when it was last seen and whether
 * it is revoked, so a lost one can be found and shut out.
 */
@Command(name = "device", description = "Manage enrolled tablets.", subcommands = {DeviceCommand.Revoke.class,
        DeviceCommand.ListDevices.class})
final class DeviceCommand {

    @Command(name = "list", description = "List enrolled tablets (revoked ones too): label, area, enrolled, last seen.")
    static final class ListDevices implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--venue", paramLabel = "ID", description = "Only the tablets of this venueId.")
        String venue;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (Database db = Database.open(data.config())) {
                Main.printJson(spec.commandLine().getOut(),
                        Json.obj("devices", new VenueService(db, Main.clock()).list(venue)));
                return 0;
            }
        }
    }

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
            try (Database db = Database.open(data.config())) {
                boolean revoked = new VenueService(db, Main.clock()).revoke(device);
                Main.printJson(spec.commandLine().getOut(), Json.obj("deviceId", device, "revoked", revoked,
                        "message", revoked ? "revoked" : "no active device with this id"));
                return revoked ? 0 : 1;
            }
        }
    }
}
