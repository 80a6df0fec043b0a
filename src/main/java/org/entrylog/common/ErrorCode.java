package org.entrylog.common;

import java.util.Locale;

/**
 * The stable error codes of the API, as clients see them in {@code {"error": ...}}. Carries no
 * HTTP status: that is decided at the edge (web.ErrorMapper), so the domain and the store know
 * nothing of HTTP.
 */
public enum ErrorCode {
    BAD_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    TOKEN_MALFORMED,
    TOKEN_BAD_SIGNATURE,
    TOKEN_EXPIRED,
    TOKEN_USED_ELSEWHERE,
    PAYLOAD_TOO_LARGE,
    RATE_LIMITED,
    UNAVAILABLE,
    NEEDS_APPROVAL,
    UNSUPPORTED_MEDIA_TYPE,
    METHOD_NOT_ALLOWED,
    INTERNAL;

    /** The code as written in answers, such as {@code token_used_elsewhere}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
