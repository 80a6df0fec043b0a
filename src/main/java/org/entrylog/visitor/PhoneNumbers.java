package org.entrylog.visitor;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Phone numbers in any common notation ({@code 010-1234-5678}, {@code +82 10 1234 5678},
 * {@code 01012345678}) reduced to one E.164 form ({@code +821012345678}) with libphonenumber.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_INPUT = 40;
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private final String defaultRegion;

    public PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** The E.164 form of a valid number, or empty for anything that is not one. */
    public Optional<String> normalise(String input) {
        if (input == null || input.isBlank() || input.length() > MAX_INPUT) {
            return Optional.empty();
        }
        try {
            PhoneNumber n = UTIL.parse(input, defaultRegion);
            if (!UTIL.isValidNumber(n)) {
                return Optional.empty();
            }
            String e164 = UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
            // libphonenumber calls some 16-digit German numbers valid; E.164 allows 15 digits at most,
            // and the sealed identity and the phone hash are promised in E.164.
            return E164.matcher(e164).matches() ? Optional.of(e164) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * A stored E.164 number as a spreadsheet should show it: a number of the default country in its
     * national form ({@code +821012345678} → {@code 010-1234-5678}), which a spreadsheet shows as
     * written and a caller in that country dials as written; any other number stays E.164. Text that is
     * not a number libphonenumber reads comes back unchanged; null stays null.
     *
     * <p>The national form never begins with {@code =}, {@code +}, {@code -} or {@code @}, so the CSV
     * formula guard leaves it alone. A foreign E.164 number begins with {@code +}, which a spreadsheet
     * takes for the start of a formula, so it still gets the guard's leading quote (docs/threat-model.md T48).
     */
    public String forSpreadsheet(String e164) {
        if (e164 == null || e164.isEmpty() || e164.length() > MAX_INPUT) {
            return e164;
        }
        try {
            PhoneNumber n = UTIL.parse(e164, defaultRegion);
            if (!defaultRegion.equals(UTIL.getRegionCodeForNumber(n))) {
                return e164;
            }
            String national = UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
            return national.isEmpty() || "=+-@".indexOf(national.charAt(0)) >= 0 ? e164 : national;
        } catch (NumberParseException e) {
            return e164;
        }
    }
}
