package org.entrylog.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration script into statements. A statement ends at a semicolon at the end of a
 * line, except inside a trigger body, which ends at {@code END;}, and inside a PostgreSQL
 * dollar-quoted body ({@code $$ … $$}, a plpgsql function). Comments are dropped.
 */
final class SqlScript {
    private SqlScript() {}

    static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inTrigger = false;
        boolean inDollar = false;
        for (String raw : script.split("\n")) {
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (current.length() == 0 && line.toUpperCase().startsWith("CREATE TRIGGER") && !line.contains("EXECUTE")) {
                inTrigger = true; // a SQLite trigger body; a PostgreSQL trigger is one line naming its function
            }
            if ((line.split("\\$\\$", -1).length - 1) % 2 == 1) {
                inDollar = !inDollar;
            }
            current.append(line).append('\n');
            boolean ends = inDollar ? false : inTrigger ? line.equalsIgnoreCase("END;") : line.endsWith(";");
            if (ends) {
                out.add(current.toString().strip());
                current.setLength(0);
                inTrigger = false;
            }
        }
        if (current.length() > 0) {
            out.add(current.toString().strip());
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean inString = false;
        for (int i = 0; i < line.length() - 1; i++) {
            char c = line.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == '-' && line.charAt(i + 1) == '-') {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
