package org.entrylog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.entrylog.cli.Main;
import org.entrylog.web.Json;

/** Runs a command in this JVM, as {@code java -jar entrylog.jar …} would, and captures its JSON answer. */
public final class Cli {
    /** The exit code, the raw standard output, and that output parsed as JSON (null when it is not JSON). */
    public record Outcome(int exit, String stdout, JsonNode json) {}

    private Cli() {}

    public static synchronized Outcome run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(args);
        } finally {
            System.setOut(old);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(text);
        } catch (Exception e) {
            json = null;
        }
        return new Outcome(exit, text, json);
    }
}
