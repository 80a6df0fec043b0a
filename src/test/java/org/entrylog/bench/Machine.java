package org.entrylog.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on: cores, CPU model, memory, the disk under the work folder, the JVM. */
final class Machine {
    private Machine() {}

    static String describe(Path work) {
        StringBuilder b = new StringBuilder();
        b.append("- cores: ").append(Runtime.getRuntime().availableProcessors()).append('\n');
        b.append("- CPU: ").append(firstLine("/proc/cpuinfo", "model name")).append('\n');
        b.append("- memory: ").append(firstLine("/proc/meminfo", "MemTotal")).append('\n');
        try {
            FileStore fs = Files.getFileStore(work);
            b.append("- disk of ").append(work).append(": ").append(fs.name()).append(" (").append(fs.type())
                    .append(", ").append(fs.getTotalSpace() / (1L << 30)).append(" GiB)\n");
        } catch (IOException e) {
            b.append("- disk: unknown\n");
        }
        b.append("- JVM: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        return b.toString();
    }

    private static String firstLine(String file, String key) {
        try {
            for (String l : Files.readAllLines(Path.of(file))) {
                if (l.startsWith(key)) {
                    return l.substring(l.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
