package org.entrylog.bench;

import io.javalin.Javalin;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The floor under a single scan's server CPU (issue 18, BENCHMARKS.md "The HTTP floor"): a server
 * that takes the same {@code POST /api/scans} as entrylog and answers {@code 201} with a body of a
 * scan answer's size, doing nothing else, on ever fuller stacks. Run as a child JVM by {@link HttpFloor};
 * prints {@code {"port":N}} once it serves, as {@code entrylog serve} does.
 *
 * <ul>
 *   <li>{@code jetty}: Jetty 12's own handler, no servlet, no Javalin;</li>
 *   <li>{@code javalin}: one Javalin route, as entrylog's server builds it (same Jetty, servlet layer);</li>
 *   <li>{@code queue}: the Javalin route hands each request to one writer thread, which takes what is
 *       queued as one batch, appends 100 bytes a request to a file and syncs it once (a group commit
 *       without SQLite), and the request thread waits for it, as entrylog's scans wait for the writer;</li>
 *   <li>{@code future}: the same, but the route returns at once and Javalin answers when the writer
 *       completes the request's future ({@code ctx.future}), so no request thread waits.</li>
 * </ul>
 */
public final class FloorServer {
    /** What entrylog answers to an accepted scan, byte for byte in length. */
    static final byte[] ANSWER = ("{\"status\":\"accepted\",\"scanId\":\"AAAAAAAAAAAAAAAAAAAAAA\","
            + "\"venueId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"scannedAt\":\"2026-12-02T10:00:00.000Z\"}")
            .getBytes(StandardCharsets.UTF_8);

    private FloorServer() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        int port = switch (mode) {
            case "jetty" -> jetty();
            case "javalin" -> javalin(null, false);
            case "queue" -> javalin(new Writer(dir.resolve("floor.log")), false);
            case "future" -> javalin(new Writer(dir.resolve("floor.log")), true);
            default -> throw new IllegalArgumentException("mode: jetty, javalin, queue or future");
        };
        System.out.println("{\"port\":" + port + "}");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static int jetty() throws Exception {
        Server server = new Server();
        ServerConnector c = new ServerConnector(server);
        c.setPort(0);
        server.addConnector(c);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                Content.Source.asString(request, StandardCharsets.UTF_8); // read the body, as a scan's is
                response.setStatus(201);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(ANSWER), callback);
                return true;
            }
        });
        server.start();
        return c.getLocalPort();
    }

    private static int javalin(Writer writer, boolean async) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.port = 0;
            config.routes.post("/api/scans", ctx -> {
                ctx.body();
                if (writer == null) {
                    ctx.status(201).contentType("application/json").result(ANSWER);
                } else if (!async) {
                    writer.submit().get();
                    ctx.status(201).contentType("application/json").result(ANSWER);
                } else {
                    ctx.future(() -> writer.submit().thenAccept(
                            v -> ctx.status(201).contentType("application/json").result(ANSWER)));
                }
            });
        });
        app.start();
        return app.port();
    }

    /** One thread; each turn takes everything queued, writes 100 bytes per request and syncs once. */
    private static final class Writer {
        private final BlockingQueue<CompletableFuture<Void>> queue = new LinkedBlockingQueue<>();
        /** Written in a circle, made once beforehand: each sync writes data, never grows the file (as a WAL reused). */
        private static final long SIZE = 8L << 20;
        private final FileChannel file;
        private long at;

        Writer(Path path) throws IOException {
            Files.createDirectories(path.getParent());
            file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            file.write(ByteBuffer.allocate((int) SIZE), 0);
            file.force(true);
            Thread t = new Thread(this::run, "entrylog-writer");
            t.setDaemon(true);
            t.start();
        }

        CompletableFuture<Void> submit() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            queue.add(f);
            return f;
        }

        private void run() {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            ByteBuffer row = ByteBuffer.allocate(100);
            try {
                while (true) {
                    batch.add(queue.take());
                    queue.drainTo(batch);
                    for (int i = 0; i < batch.size(); i++) {
                        row.clear();
                        file.write(row, at);
                        at = (at + row.capacity()) % SIZE;
                    }
                    file.force(false);
                    for (CompletableFuture<Void> f : batch) {
                        f.complete(null);
                    }
                    batch.clear();
                }
            } catch (IOException | InterruptedException e) {
                batch.forEach(f -> f.completeExceptionally(e));
            }
        }
    }
}
