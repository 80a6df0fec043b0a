package org.entrylog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.entrylog.Entrylog;
import org.entrylog.config.PublicUrl;
import org.entrylog.store.FilePermissions;
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
 * {@code venue add --name N [--address A] [--region R] [--capacity N] [--default-stay-minutes M]}:
 * prints the venue's links and writes its printable door kit (venue/DoorKit) into the data folder;
 * {@code venue rotate-code --venue ID}.
 */
@Command(name = "venue", description = "Manage venues.", subcommands = {VenueCommand.Add.class,
        VenueCommand.RotateCode.class})
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
            try (Database db = Database.open(config)) {
                var v = new VenueService(db, Main.clock()).add(name, address, region, capacity, defaultStayMinutes);
                String base = PublicUrl.forCommand(config, port);
                DoorKit.Links links = DoorKit.links(base, v.enrollmentCode());
                // the only moment the code is known in the clear: the printable kit is made now
                var kit = new DoorKit(new QrRenderer()).write(config.dataDir(), v.venueId(), name,
                        links.enrollmentUrl(), links.passUrl());
                Main.printJson(spec.commandLine().getOut(), Json.obj("venueId", v.venueId(),
                        "enrollmentCode", v.enrollmentCode(),
                        "enrollmentUrl", links.enrollmentUrl(),
                        "ownerUrl", base + "/venue",
                        "doorKit", kit.toString()));
            }
            return 0;
        }
    }

    /**
     * {@code venue rotate-code --venue ID}: a new enrollment code; the old one stops enrolling at
     * once, also on a server running on the same folder. With {@code device revoke}, this shuts a
     * lost or stolen tablet out for good (docs/threat-model.md T26).
     */
    @Command(name = "rotate-code", description = "Give a venue a new enrollment code; the old one stops enrolling at once. "
            + "Tablets already enrolled keep working until revoked.")
    static final class RotateCode implements Callable<Integer> {
        @Mixin
        Main.DataOption data;

        @Option(names = "--venue", required = true, paramLabel = "ID", description = "The venueId.")
        String venue;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Config config = data.config();
            try (Database db = Database.open(config)) {
                String code = new VenueService(db, Main.clock()).rotateCode(venue);
                updateDemoVenue(config.dataDir().resolve(Entrylog.DEMO_VENUE_FILE), code);
                DoorKit.Links links = DoorKit.links(PublicUrl.forCommand(config, null), code);
                // the kit printed from now on carries the new code (the old one no longer enrolls)
                String name = db.read(c -> VenueService.byPublicId(c, org.entrylog.common.Ids.decode(venue, 16))).name();
                var kit = new DoorKit(new QrRenderer()).write(config.dataDir(), venue, name, links.enrollmentUrl(),
                        links.passUrl());
                Main.printJson(spec.commandLine().getOut(), Json.obj("enrollmentCode", code,
                        "enrollmentUrl", links.enrollmentUrl(), "doorKit", kit.toString()));
            }
            return 0;
        }

        /** `serve` shows the demo venue's code from this file; it must not keep showing the dead one. */
        private void updateDemoVenue(Path file, String code) throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            JsonNode demo = Json.MAPPER.readTree(file.toFile());
            if (venue.equals(demo.path("venueId").asText())) {
                ((ObjectNode) demo).put("enrollmentCode", code);
                FilePermissions.writeOwnerOnly(file, Json.write(demo).getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
