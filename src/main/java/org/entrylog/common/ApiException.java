package org.entrylog.common;

import java.util.Map;

/**
 * A refusal a client is meant to see: an HTTP status, a stable error code from DESIGN.md and a
 * message for people. Thrown anywhere; turned into {@code {"error","message"}} in one place.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    public ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "Missing or invalid credentials.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound() {
        return new ApiException(404, "not_found", "No such resource.");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, "unavailable", message, Map.of("Retry-After", "1"));
    }
}
