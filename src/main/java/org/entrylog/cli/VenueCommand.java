package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.config.Config;
import org.entrylog.store.Database;
import org.entrylog.venue.VenueService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code venue add --name N [--address A] [--region R]}. */
@Command(name = "venue", description = "Manage venues.", subcommands = VenueCommand.Add.class)
final class VenueCommand {

    @Command(name = "add", description = "Add a venue and print its enrollment code and link.")
    static final class Add implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--name", required = true, description = "Venue name shown to staff and visitors.")
        String name;

        @Option(names = "--address", description = "Postal address (optional).")
        String address;

        @Option(names = "--region", description = "ISO 3166-2 region, such as KR-41 (optional; officials of "
                + "other regions then see no identities here).")
        String region;

        @Option(names = "--port", hidden = true, description = "Port used in the printed link when no public URL is set.")
        Integer port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config config = data.config();
            try (Database db = Database.open(config.dataDir())) {
                var v = new VenueService(db, Main.clock()).add(name, address, region);
                int p = port != null ? port : config.port();
                Main.printJson(spec.commandLine().getOut(), Json.obj("venueId", v.venueId(),
                        "enrollmentCode", v.enrollmentCode(),
                        "enrollmentUrl", config.publicUrl(p) + "/scan?enroll=" + v.enrollmentCode()));
            }
            return 0;
        }
    }
}
