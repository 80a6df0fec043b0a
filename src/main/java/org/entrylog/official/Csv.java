package org.entrylog.official;

import java.util.List;

/**
 * RFC 4180 CSV for official exports: a header row, CRLF line ends, and a field quoted (with
 * inner quotes doubled) when it holds a comma, a quote, CR or LF.
 *
 * <p>Every cell that begins with {@code =}, {@code +}, {@code -}, {@code @}, tab or CR is
 * neutralised by a leading single quote, so a spreadsheet shows the text instead of running it as
 * a formula (OWASP "CSV Injection"; the attack that reached health offices through Luca's
 * exports, docs/threat-model.md T15). Applied to every cell, not only to names, because every text field of an
 * export can end up carrying someone's input.
 *
 * <p>A phone number of the default country is written in its national form ({@code 010-1234-5678},
 * {@link org.entrylog.visitor.PhoneNumbers#forSpreadsheet}), which needs no guard; a foreign one
 * stays E.164 and keeps the guard's quote, because a leading {@code +} is a formula trigger
 * (docs/threat-model.md T48).
 *
 * <p>A CSV file starts with {@link #BOM}: without it Excel reads UTF-8 as the local code page and
 * shows a Korean name as mojibake.
 *
 * <p>A small writer rather than a library: the quoting rules are a dozen lines, and the
 * neutralisation, which is the part that matters, no CSV library does for us.
 */
public final class Csv {
    /** The UTF-8 byte order mark (EF BB BF once encoded) that a CSV file begins with, so Excel reads it as UTF-8. */
    public static final String BOM = "\uFEFF";

    private final StringBuilder out = new StringBuilder();

    /** Appends one row. */
    public Csv row(List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append("\r\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** One cell, neutralised and quoted as needed; null is the empty field. */
    static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String v = neutralise(value);
        boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0;
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    /** Prefixes {@code '} to text a spreadsheet would take for a formula. */
    public static String neutralise(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char c = value.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' ? "'" + value : value;
    }
}
