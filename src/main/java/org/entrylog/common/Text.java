package org.entrylog.common;

/**
 * Checks on free text from clients. Valid text is stored exactly as given (Hangul and every other
 * script round-trip unchanged); text with control characters, line breaks, bidirectional
 * overrides or lone surrogates is refused rather than cleaned (docs/threat-model.md T12), so what an official
 * later reads is what the visitor typed.
 */
public final class Text {
    private Text() {}

    /** Returns the text when it is acceptable, else throws {@code bad_request} naming the field. */
    public static String require(String field, String value, int maxChars) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required.");
        }
        if (value.codePointCount(0, value.length()) > maxChars) {
            throw ApiException.badRequest("'" + field + "' is longer than " + maxChars + " characters.");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw ApiException.badRequest("'" + field + "' is not valid text.");
            }
            if (Character.isLowSurrogate(c) || forbidden(c)) {
                throw ApiException.badRequest("'" + field + "' contains control or formatting characters.");
            }
        }
        return value;
    }

    private static boolean forbidden(char c) {
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.UNASSIGNED && c >= 0xFFF0 || c == '\uFEFF') {
            return true;
        }
        // bidirectional embeddings, overrides and isolates, and line/paragraph separators
        return (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u2028' || c == '\u2029'
                || c == '\u200E' || c == '\u200F' || c == '\u061C';
    }
}
