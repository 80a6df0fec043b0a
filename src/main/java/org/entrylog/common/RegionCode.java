package org.entrylog.common;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A region code of ISO 3166-2, such as {@code KR-41} (Gyeonggi): two letters of the country, a
 * hyphen and one to three letters or digits. Venues carry one and officials a set of them
 * (docs/design.md, Regions).
 */
public final class RegionCode {
    public static final Pattern PATTERN = Pattern.compile("[A-Z]{2}-[A-Z0-9]{1,3}");

    private RegionCode() {}

    /** The code in upper case, or an error naming the rule. */
    public static String require(String code) {
        String c = code == null ? "" : code.trim().toUpperCase(Locale.ROOT);
        if (!PATTERN.matcher(c).matches()) {
            throw new IllegalArgumentException("A region is an ISO 3166-2 code such as KR-41: two letters, '-', "
                    + "and 1-3 letters or digits.");
        }
        return c;
    }
}
