package org.entrylog.web;

import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;
import org.entrylog.store.StoreException;
import org.entrylog.store.StoreUnavailable;

/**
 * The one place where a failure becomes an HTTP answer: the status of each {@link ErrorCode}, and
 * what a storage failure, a framework refusal or an unexpected exception is answered. Nothing
 * else (no stack trace, no SQL, no storage detail) reaches a client.
 */
public final class ErrorMapper {
    private ErrorMapper() {}

    /** An error as it leaves: status, code and message for the body, and headers. */
    public record Answer(int status, String code, String message, Map<String, String> headers) {
        /** The {@code {"error","message"}} body. */
        public Map<String, Object> body() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", code);
            m.put("message", message);
            return m;
        }
    }

    /** The HTTP status of each code; a new code does not compile until it has one. */
    public static int status(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, TOKEN_MALFORMED -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN, NEEDS_APPROVAL -> 403;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case TOKEN_USED_ELSEWHERE -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case TOKEN_BAD_SIGNATURE, TOKEN_EXPIRED -> 422;
            case RATE_LIMITED -> 429;
            case INTERNAL -> 500;
            case UNAVAILABLE -> 503;
        };
    }

    /** The answer to any exception that escaped a handler. */
    public static Answer of(Throwable e) {
        if (e instanceof ApiException a) {
            return new Answer(status(a.errorCode()), a.code(), a.getMessage(), a.retryAfter().isPresent()
                    ? Map.of("Retry-After", Long.toString(a.retryAfter().getAsLong())) : Map.of());
        }
        if (e instanceof StoreUnavailable s) {
            return unavailable(s.getMessage());
        }
        if (e instanceof StoreException) {
            // its message may name files or SQL: the client gets a fixed one
            return unavailable("The server cannot reach its storage; try again shortly.");
        }
        if (e instanceof HttpResponseException h) {
            return ofStatus(h.getStatus());
        }
        return of(new ApiException(ErrorCode.INTERNAL, "Something went wrong on the server."));
    }

    /**
     * The answer to a status Jetty or Javalin decided by itself, before or around the routes (a body
     * over the server's limit, a malformed URI, an unknown path).
     */
    public static Answer ofStatus(int status) {
        return switch (status) {
            case 413 -> of(new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is too large."));
            case 415 -> of(new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON."));
            case 408 -> new Answer(408, ErrorCode.BAD_REQUEST.wire(), "The request body did not arrive in time.", Map.of());
            case 429 -> of(new ApiException(ErrorCode.RATE_LIMITED, "Too many requests at once; try again shortly.", 1));
            case 404 -> of(ApiException.notFound());
            case 401 -> of(ApiException.unauthorized());
            case 403 -> of(ApiException.forbidden("Forbidden."));
            // any other status is kept as given, under the nearest code clients know
            default -> status < 500
                    ? new Answer(status, ErrorCode.BAD_REQUEST.wire(), "The request was not understood.", Map.of())
                    : new Answer(status, ErrorCode.UNAVAILABLE.wire(), "The server cannot answer right now.", Map.of());
        };
    }

    /**
     * A known path called with a method it does not have: 405 {@code method_not_allowed} with
     * {@code Allow} naming the methods the route table has for it (RFC 9110 §15.5.6).
     */
    public static Answer methodNotAllowed(java.util.Set<String> allowed) {
        String allow = String.join(", ", new java.util.TreeSet<>(allowed));
        return new Answer(405, ErrorCode.METHOD_NOT_ALLOWED.wire(), "This path does not take that method"
                + (allow.isEmpty() ? "." : "; it takes " + allow + "."), allow.isEmpty() ? Map.of() : Map.of("Allow", allow));
    }

    private static Answer unavailable(String message) {
        return of(ApiException.unavailable(message));
    }
}
