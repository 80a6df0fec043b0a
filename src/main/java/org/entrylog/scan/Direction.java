package org.entrylog.scan;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.entrylog.common.ApiException;
import org.entrylog.common.Json;

/** Which way a visitor passed the door. Stored as 0 and 1; written in JSON as {@code "in"} and {@code "out"}. */
public enum Direction {
    IN(0), OUT(1);

    private final int code;

    Direction(int code) {
        this.code = code;
    }

    /** The stored value (and the value hashed into the chain). */
    public int code() {
        return code;
    }

    /** The stored value read back; anything but 1 is {@code in}, as the answers always read it. */
    public static Direction of(int code) {
        return code == 1 ? OUT : IN;
    }

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code direction} of a posted scan: "in" (also when absent) or "out"; anything else is a 400. */
    public static Direction parse(ObjectNode o) {
        String d = Json.string(o, "direction", false);
        if (d == null || d.equals("in")) {
            return IN;
        }
        if (d.equals("out")) {
            return OUT;
        }
        throw ApiException.badRequest("'direction' must be \"in\" or \"out\".");
    }
}
