package org.entrylog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.entrylog.common.Json;

/**
 * The real server, {@code entrylog serve}, in a child JVM with a fixed heap, so its resident memory
 * can be read from {@code /proc/<pid>/status} apart from the load generator's.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final int port;
    final double startSeconds;

    private ServerProcess(Process process, int port, double startSeconds) {
        this.process = process;
        this.port = port;
        this.startSeconds = startSeconds;
    }

    static ServerProcess start(Path dataDir, String heap, Map<String, String> env, Path log) throws IOException {
        return start(dataDir, heap, env, log, List.of(), null);
    }

    /**
     * As above, with more JVM options and, when {@code classes} is not null, the server's own classes
     * taken from that folder instead of {@code target/classes} (to run an older build beside this one).
     */
    static ServerProcess start(Path dataDir, String heap, Map<String, String> env, Path log, List<String> jvm,
                               Path classes) throws IOException {
        return start("org.entrylog.cli.Main", List.of("serve", "--data", dataDir.toString(), "--port", "0"), heap,
                env, log, jvm, classes);
    }

    /**
     * Any main class of the class path (the bench's {@link FloorServer}, for one) started the same way; it
     * must print {@code {"port":N}} once it serves.
     */
    static ServerProcess start(String mainClass, List<String> args, String heap, Map<String, String> env, Path log,
                               List<String> jvm, Path classes) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap));
        String extra = System.getProperty("bench.serverJvm", ""); // the serverJvm= argument, options split by ';'
        if (!extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split(";")));
        }
        cmd.addAll(jvm);
        String cp = System.getProperty("java.class.path");
        if (classes != null) {
            StringBuilder b = new StringBuilder(classes.toAbsolutePath().toString());
            for (String e : cp.split(File.pathSeparator)) {
                if (!e.replace('\\', '/').endsWith("target/classes")) {
                    b.append(File.pathSeparator).append(e);
                }
            }
            cp = b.toString();
        }
        cmd.addAll(List.of("-cp", cp, mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("ENTRYLOG_"));
        pb.environment().put("ENTRYLOG_RATE_LIMITS", "off");
        pb.environment().put("ENTRYLOG_LOG_LEVEL", "WARN");
        pb.environment().putAll(env);
        pb.redirectError(log.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("{")) { // e.g. JFR's "Started recording" line
                line = out.readLine();
            }
            if (line == null) {
                throw new IOException("the server exited before it served; see " + log + ":\n" + Files.readString(log));
            }
            JsonNode started = Json.MAPPER.readTree(line);
            double secs = (System.nanoTime() - t0) / 1e9;
            // keep draining standard output so the child never blocks on it
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // the child ended
                }
            }, "server-stdout");
            drain.setDaemon(true);
            drain.start();
            return new ServerProcess(p, started.path("port").asInt(), secs);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The server's {@code /metrics} scrape. */
    String scrape() throws IOException, InterruptedException {
        return ScanFixture.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/metrics"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** User + system CPU seconds of each thread of the server now, by thread name (Linux /proc/PID/task). */
    Map<String, Double> threadCpu() {
        Map<String, Double> out = new java.util.HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(name + "#" + t.getFileName(), (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0,
                            Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // gone
        }
        return out;
    }

    /**
     * The server's read and write system calls so far ({@code syscr}, {@code syscw} of
     * {@code /proc/PID/io}, every thread's, ended ones too) and its live threads' context switches
     * (voluntary + involuntary, each {@code /proc/PID/task/TID/status}): how many times the kernel was
     * entered and a thread woken per request, which CPU time alone does not tell.
     */
    long[] kernelCounts() {
        long[] out = new long[3];
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/io"))) {
                if (l.startsWith("syscr:")) {
                    out[0] = Long.parseLong(l.substring(6).trim());
                } else if (l.startsWith("syscw:")) {
                    out[1] = Long.parseLong(l.substring(6).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String l : Files.readAllLines(t.resolve("status"))) {
                        if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
                            out[2] += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // gone
        }
        return out;
    }

    /** Resident set size of the server process now, in MiB (Linux /proc). */
    double rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return Double.NaN;
    }

    /** CPU time the server process has used so far, in seconds (user + system, Linux /proc). */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** CPU time of a process by pid, in seconds, from /proc/PID/stat (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) {
        double[] t = cpuTimes(pid);
        return t[0] + t[1];
    }

    /** User and system CPU seconds of a process, from /proc/PID/stat (clock ticks of 1/100 s). */
    static double[] cpuTimes(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** SIGTERM: the server finishes its queued writes and closes the database; forced after a minute. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
