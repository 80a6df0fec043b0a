package org.entrylog.web;

import org.entrylog.common.Json;
import io.javalin.http.Context;
import org.entrylog.common.ApiException;
import org.entrylog.common.ErrorCode;

/** Small helpers shared by the controllers. */
public final class Http {
    private Http() {}

    /** The secret of an {@code Authorization: Bearer <secret>} header, or null. */
    public static String bearer(Context ctx) {
        String h = ctx.header("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String s = h.substring(7).trim();
        return s.isEmpty() || s.length() > 200 ? null : s;
    }

    /**
     * The request body, read with a hard limit: a declared or actual size over the limit is
     * refused with 413 before anything is parsed (docs/threat-model.md T11).
     */
    public static byte[] body(Context ctx, int limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw tooLarge(limit);
        }
        try (java.io.InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw tooLarge(limit);
            }
            return b;
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("The body could not be read.");
        }
    }

    public static ApiException tooLarge(int limit) {
        return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than " + (limit / 1024) + " KiB.");
    }

    public static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
