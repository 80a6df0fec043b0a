package org.entrylog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.entrylog.common.Json;

/**
 * {@code serve} as a real child process on a data folder, on a free port. Its first line of
 * standard output (the start-up JSON) is read; its logs are appended to a file beside the folder.
 * {@link #kill()} is SIGKILL on Linux: no shutdown hook runs, exactly like a crash.
 */
public final class ServerProcess implements AutoCloseable {
    public final Process process;
    private final BufferedReader out;

    private ServerProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Launches {@code serve --data DIR --port 0}; returns at once, before the server is up. */
    public static ServerProcess launch(Path dataDir, Path stderrLog, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "org.entrylog.cli.Main", "serve",
                "--data", dataDir.toString(), "--port", "0");
        pb.environment().remove("ENTRYLOG_DATA");
        pb.environment().remove("ENTRYLOG_PORT");
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(stderrLog.toFile()));
        return new ServerProcess(pb.start());
    }

    /** Waits for the start-up line and returns it; fails when the process dies or takes too long. */
    public JsonNode awaitStarted(long timeoutSeconds) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String l;
        try {
            l = line.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            kill();
            throw new AssertionError("serve did not start within " + timeoutSeconds + " s");
        }
        if (l == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("serve exited before it started (exit " + process.exitValue() + ")");
        }
        return Json.MAPPER.readTree(l);
    }

    /** SIGKILL, and waits until the process is gone (its locks and sockets released). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("process did not die after SIGKILL");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            kill();
        }
    }
}
