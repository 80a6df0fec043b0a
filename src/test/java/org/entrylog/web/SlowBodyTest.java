package org.entrylog.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.entrylog.testing.TestApp;
import org.entrylog.testing.TestApp.Response;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 300 connections from one client, each sending {@code POST /api/visitors} with
 * {@code Content-Length: 60} and then one byte every 5 s, used to fill the worker pool so that no
 * one was answered (issue 14 item 1, docs/threat-model.md T41). Now a scan and {@code /health}
 * still answer within a second while they are connected, the client gets 429 beyond its requests
 * at once, and a body that does not arrive in time is 408.
 */
@Tag("slow")
class SlowBodyTest {
    private static final int SLOW_CLIENTS = 300;

    @TempDir
    Path dir;

    /** A raw connection from 127.0.0.2 (another client than the test's 127.0.0.1) that sent its headers and one byte. */
    private static Socket slowPost(int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.2", 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(("POST /api/visitors HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 60\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    private static String statusLine(Socket s) {
        try {
            InputStream in = s.getInputStream();
            if (in.available() == 0) {
                return null;
            }
            byte[] b = new byte[12];
            int n = in.readNBytes(b, 0, 12);
            return new String(b, 0, n, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "closed";
        }
    }

    @Test
    void threeHundredSlowBodiesDoNotStopScansOrHealth() throws Exception {
        try (TestApp t = new TestApp(dir)) {
            TestApp.Device door = t.venueWithDevice("Door");
            TestApp.Visitor visitor = t.register("A", "01012345678");
            assertEquals(201, t.scan(door, t.pass(visitor)).status()); // warm: the measurement below is not a first call
            assertEquals(200, t.get("/health", null).status());

            List<Socket> slow = new ArrayList<>();
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try {
                for (int i = 0; i < SLOW_CLIENTS; i++) {
                    slow.add(slowPost(t.port));
                }
                trickle.scheduleAtFixedRate(() -> {
                    for (Socket s : slow) {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(' ');
                            out.flush();
                        } catch (IOException refused) {
                            // refused and closed by the server: nothing more to send
                        }
                    }
                }, 5, 5, TimeUnit.SECONDS);
                Thread.sleep(1000); // every slow request has reached the server

                for (int round = 0; round < 3; round++) {
                    long start = System.nanoTime();
                    Response health = t.get("/health", null);
                    long healthMillis = (System.nanoTime() - start) / 1_000_000;
                    String pass = t.pass(visitor);
                    start = System.nanoTime();
                    Response scan = t.scan(door, pass);
                    long scanMillis = (System.nanoTime() - start) / 1_000_000;
                    assertEquals(200, health.status());
                    assertEquals(201, scan.status(), scan.body());
                    assertTrue(healthMillis < 1000, "/health answered in " + healthMillis + " ms with "
                            + SLOW_CLIENTS + " slow clients connected");
                    assertTrue(scanMillis < 1000, "a scan answered in " + scanMillis + " ms with "
                            + SLOW_CLIENTS + " slow clients connected");
                }

                List<Socket> pending = new ArrayList<>();
                int refused = 0;
                for (Socket s : slow) {
                    String line = statusLine(s);
                    if (line != null && line.startsWith("HTTP/1.1 429")) {
                        refused++;
                    } else if (line == null) {
                        pending.add(s);
                    }
                }
                assertEquals(SLOW_CLIENTS - EdgeHandler.MAX_IN_FLIGHT_PER_CLIENT, refused,
                        "beyond its requests at once, the slow client is refused at once");
                assertEquals(EdgeHandler.MAX_IN_FLIGHT_PER_CLIENT, pending.size());

                // the bodies still pending do not arrive in time: 408 (10 s and 60 bytes at 1 KiB/s)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                List<String> answers = new ArrayList<>();
                while (!pending.isEmpty() && System.nanoTime() < deadline) {
                    for (var it = pending.iterator(); it.hasNext(); ) {
                        String line = statusLine(it.next());
                        if (line != null) {
                            answers.add(line);
                            it.remove();
                        }
                    }
                    Thread.sleep(200);
                }
                assertEquals(EdgeHandler.MAX_IN_FLIGHT_PER_CLIENT, answers.size(), "every slow body is answered");
                assertTrue(answers.stream().allMatch(a -> a.startsWith("HTTP/1.1 408")), answers.toString());
                assertEquals(1, t.count("SELECT count(*) FROM visitor"), "no slow body registered anyone");
            } finally {
                trickle.shutdownNow();
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
