package org.entrylog.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.entrylog.common.Json;

/**
 * The base of the links commands print ({@code enrollmentUrl}): {@code ENTRYLOG_PUBLIC_URL} when
 * set; otherwise that of the server running on the same data folder, which writes it to
 * {@value #FILE} at start ({@code {"url","pid"}}) and removes it when it stops; otherwise
 * {@code http(s)://localhost:<ENTRYLOG_PORT>}. So {@code venue add} beside a server started with
 * {@code --port 8443} prints a link that works (docs/design.md §3). A file left by a server that
 * died is ignored: its process is gone.
 */
public final class PublicUrl {
    public static final String FILE = "server-url.json";

    private PublicUrl() {}

    /** Written by a server once it listens, with the URL its links use. */
    public static void publish(Path dataDir, String url) {
        Path file = dataDir.resolve(FILE);
        Path tmp = dataDir.resolve(FILE + ".tmp");
        try {
            Files.writeString(tmp, Json.write(Json.obj("url", url, "pid", ProcessHandle.current().pid())),
                    StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // links printed by commands fall back to the configured port; the server itself is unaffected
            org.slf4j.LoggerFactory.getLogger(PublicUrl.class).warn("cannot write {}: {}", file, e.getMessage());
        }
    }

    /** Removed by the server that wrote it when it stops. */
    public static void withdraw(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        String running = running(dataDir, true);
        if (running != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a stale file is ignored once this process is gone
            }
        }
    }

    /** The base URL for a command's links; {@code port} (may be null) overrides the configured port. */
    public static String forCommand(Config config, Integer port) {
        if (!config.publicUrl().isEmpty()) {
            return config.publicUrl();
        }
        if (port == null) {
            String running = running(config.dataDir(), false);
            if (running != null) {
                return running;
            }
        }
        return config.publicUrl(port != null ? port : config.port());
    }

    /** The URL a live server published on this folder (only this process's when {@code own}), or null. */
    private static String running(Path dataDir, boolean own) {
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(dataDir.resolve(FILE), StandardCharsets.UTF_8));
            long pid = n.path("pid").asLong(-1);
            boolean alive = own ? pid == ProcessHandle.current().pid()
                    : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            String url = n.path("url").asText("");
            return alive && url.matches("https?://\\S+") ? url : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
