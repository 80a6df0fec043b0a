package org.entrylog.cli;

import java.util.concurrent.Callable;
import org.entrylog.common.Json;
import org.entrylog.config.Config;
import org.entrylog.store.Database;
import org.entrylog.pass.QrRenderer;
import org.entrylog.venue.DoorKit;
import org.entrylog.venue.VenueService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code venue add --name N [--address A] [--capacity N] [--default-stay-minutes M]}: prints the
 * venue's links and writes its printable door kit (venue/DoorKit) into the data folder.
 */
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

        @Option(names = "--capacity", description = "People the venue may hold at once (optional): shown with the "
                + "occupancy on the scanner and the owner page, which warn at it.")
        Integer capacity;

        @Option(names = "--default-stay-minutes", description = "Minutes after which an entry without an exit stops "
                + "counting as inside (default 180).")
        Integer defaultStayMinutes;

        @Option(names = "--port", hidden = true, description = "Port used in the printed link when no public URL is set.")
        Integer port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config config = data.config();
            try (Database db = Database.open(config.dataDir())) {
                var v = new VenueService(db, Main.clock()).add(name, address, capacity, defaultStayMinutes);
                int p = port != null ? port : config.port();
                String base = config.publicUrl(p);
                String enrollmentUrl = base + "/scan?enroll=" + v.enrollmentCode();
                // the only moment the code is known in the clear: the printable kit is made now
                var kit = new DoorKit(new QrRenderer()).write(config.dataDir(), v.venueId(), name, enrollmentUrl,
                        base + "/pass");
                Main.printJson(spec.commandLine().getOut(), Json.obj("venueId", v.venueId(),
                        "enrollmentCode", v.enrollmentCode(),
                        "enrollmentUrl", enrollmentUrl,
                        "ownerUrl", base + "/venue",
                        "doorKit", kit.toString()));
            }
            return 0;
        }
    }
}
