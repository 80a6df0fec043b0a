package org.entrylog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.entrylog.testing.Cli;
import org.entrylog.common.Json;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `serve` as a real child process: it starts on an empty folder, and SIGTERM loses no acknowledged scan. */
@Tag("slow")
class ServeProcessTest {
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    private Process serve() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.entrylog.cli.Main", "serve",
                "--data", dir.toString(), "--port", "0");
        pb.environment().put("ENTRYLOG_RATE_LIMITS", "off"); // 400 passes for one visitor in a second
        pb.redirectError(dir.resolveSibling(dir.getFileName() + "-stderr.log").toFile());
        return pb.start();
    }

    private JsonNode post(String url, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = Json.MAPPER.readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) n).put("_status", r.statusCode());
        return n;
    }

    @Test
    void serveStartsOnAnEmptyFolderAndSigtermKeepsEveryAcknowledgedScan() throws Exception {
        Process p = serve();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            JsonNode started = Json.MAPPER.readTree(out.readLine());
            String base = started.path("url").asText();
            String code = started.path("demoVenue").path("enrollmentCode").asText();
            assertTrue(started.path("demoVenue").path("enrollmentUrl").asText().endsWith("/scan?enroll=" + code));
            for (String page : new String[] {"visitor", "card", "scanner", "official", "owner", "transparency"}) {
                assertTrue(started.path("pages").path(page).asText().startsWith(base + "/"), page + ": " + started);
            }
            assertTrue(Files.exists(dir.resolve("keys/signing-keys.json")));
            JsonNode device = post(base + "/api/devices", "{\"enrollmentCode\":\"" + code + "\"}", null);
            JsonNode visitor = post(base + "/api/visitors", "{\"name\":\"Kim\",\"phone\":\"01012345678\"}", null);
            String passUrl = base + "/api/visitors/" + visitor.path("visitorId").asText() + "/passes";
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Integer>> answers = new ArrayList<>();
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < 400; i++) {
                answers.add(pool.submit(() -> {
                    try {
                        String token = post(passUrl, "", visitor.path("secret").asText()).path("token").asText();
                        int status = post(base + "/api/scans", "{\"token\":\"" + token + "\"}",
                                device.path("secret").asText()).path("_status").asInt();
                        done.incrementAndGet();
                        return status;
                    } catch (Exception e) {
                        return -1; // the server went away mid-request: not acknowledged
                    }
                }));
            }
            while (done.get() < 100) {
                Thread.sleep(5);
            }
            p.destroy(); // SIGTERM while scans are in flight
            int acknowledged = 0;
            for (Future<Integer> f : answers) {
                if (f.get() == 201) {
                    acknowledged++;
                }
            }
            pool.shutdownNow();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stops within 30 s");
            assertTrue(acknowledged > 0);
            Cli.Run run = Cli.run("verify", "--data", dir.toString());
            JsonNode verified = run.json();
            assertEquals(0, run.exit(), run.out());
            assertTrue(verified.path("entries").asLong() >= acknowledged,
                    "every acknowledged scan is in the log: " + verified + " vs " + acknowledged);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void venueAddPrintsTheCodeAndLinkAndAStartedServerAcceptsIt() throws Exception {
        Cli.Run added = Cli.run("venue", "add", "--data", dir.toString(), "--name", "Cafe Seoul", "--address", "1 Main St");
        assertEquals(0, added.exit());
        JsonNode v = added.json();
        String code = v.path("enrollmentCode").asText();
        assertEquals(22, v.path("venueId").asText().length());
        assertEquals("http://localhost:7070/scan?enroll=" + code, v.path("enrollmentUrl").asText());
        Process p = serve();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            JsonNode started = Json.MAPPER.readTree(out.readLine());
            assertTrue(started.path("demoVenue").isMissingNode(), "no demo venue in a folder that has venues");
            JsonNode device = post(started.path("url").asText() + "/api/devices", "{\"enrollmentCode\":\"" + code + "\"}", null);
            assertEquals(201, device.path("_status").asInt());
            assertEquals("Cafe Seoul", device.path("venueName").asText());
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
