package org.entrylog.common;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * JSON in and out. Reading is strict (docs/threat-model.md T13): one object, no duplicate keys, no trailing
 * content, no unknown fields, and each field of the type it must have; invalid UTF-8 is refused by
 * the parser. Every refusal is a {@code bad_request} that names the field.
 */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addModule(new JavaTimeModule())
            .build();

    private Json() {}

    /** Parses a request body that must be one JSON object with only the allowed fields. */
    public static ObjectNode object(byte[] body, Set<String> allowed) {
        JsonNode node;
        try (JsonParser p = MAPPER.createParser(body)) {
            node = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw ApiException.badRequest("The body has content after the JSON object.");
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("The body is not valid JSON" + reason(e) + ".");
        } catch (IOException e) {
            throw ApiException.badRequest("The body could not be read.");
        }
        return requireObject(node, allowed, "The body");
    }

    public static ObjectNode requireObject(JsonNode node, Set<String> allowed, String what) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(what + " must be a JSON object.");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw ApiException.badRequest("Unknown field '" + truncate(f) + "'.");
            }
        }
        return (ObjectNode) node;
    }

    /** A string field; null when absent and optional. */
    public static String string(ObjectNode o, String field, boolean required) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.badRequest("'" + field + "' is required.");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string.");
        }
        return n.textValue();
    }

    /** An optional ISO-8601 instant field. */
    public static Instant instant(ObjectNode o, String field, boolean required) {
        String s = string(o, field, required);
        return s == null ? null : instant(field, s);
    }

    /**
     * The earliest and latest instants accepted. {@code Instant.parse} takes years up to ±10⁹, whose
     * epoch milliseconds overflow a {@code long}: "+1000000000-01-01T00:00:00Z" as a tablet's
     * {@code scannedAt} was a 500 (found by fuzzing). Four-digit years are plenty.
     */
    private static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

    public static Instant instant(String field, String s) {
        if (s.length() > 40) {
            throw ApiException.badRequest("'" + field + "' is not an ISO-8601 time.");
        }
        Instant parsed;
        try {
            parsed = Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                parsed = OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiException.badRequest("'" + field + "' is not an ISO-8601 time such as 2026-01-31T09:30:00Z.");
            }
        }
        if (parsed.isBefore(MIN_INSTANT) || parsed.isAfter(MAX_INSTANT)) {
            throw ApiException.badRequest("'" + field + "' is not a time between the years 1 and 9999.");
        }
        return parsed;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String reason(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            return "";
        }
        if (m.startsWith("Duplicate field")) {
            return ": a field appears twice";
        }
        if (m.contains("UTF-8") || m.contains("UTF8")) {
            return ": invalid UTF-8";
        }
        return "";
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /** A JSON object in insertion order, from alternating names and values. */
    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
