package org.entrylog.common;

import java.util.OptionalLong;

/**
 * A refusal a client is meant to see: a stable {@link ErrorCode}, a message for people and, for
 * refusals that pass with time, how long to wait. Thrown anywhere; it carries no HTTP status, which
 * web.ErrorMapper decides in one place.
 */
public class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final long retryAfterSeconds;

    public ApiException(ErrorCode code, String message) {
        this(code, message, 0);
    }

    /** A refusal the client may retry after {@code retryAfterSeconds} (0: no advice). */
    public ApiException(ErrorCode code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorCode errorCode() {
        return code;
    }

    /** The code as clients see it, such as {@code not_found}. */
    public String code() {
        return code.wire();
    }

    /** Seconds the client should wait before trying again, when that is known. */
    public OptionalLong retryAfter() {
        return retryAfterSeconds > 0 ? OptionalLong.of(retryAfterSeconds) : OptionalLong.empty();
    }

    public static ApiException badRequest(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }

    public static ApiException unauthorized() {
        return new ApiException(ErrorCode.UNAUTHORIZED, "Missing or invalid credentials.");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ErrorCode.FORBIDDEN, message);
    }

    public static ApiException notFound() {
        return new ApiException(ErrorCode.NOT_FOUND, "No such resource.");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(ErrorCode.UNAVAILABLE, message, 1);
    }
}
