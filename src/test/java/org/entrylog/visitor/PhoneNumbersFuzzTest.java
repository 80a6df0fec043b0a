package org.entrylog.visitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

/**
 * Property-based fuzzing of {@link PhoneNumbers#normalise}: it never throws, whatever the text and
 * the default region, and what it returns is always E.164; normalising its own answer gives the
 * same answer; and a Korean mobile number written in any common notation is one number.
 */
@Tag("fuzz")
class PhoneNumbersFuzzTest {
    private static final Pattern E164 = Pattern.compile("^\\+[1-9]\\d{6,14}$");

    private static Optional<String> normalise(String region, String input) {
        Optional<String> out = new PhoneNumbers(region).normalise(input); // must not throw
        out.ifPresent(e -> assertTrue(E164.matcher(e).matches(), "not E.164: " + e));
        return out;
    }

    @Property(tries = 10_000)
    void anyTextGivesE164OrNothingAndNeverThrows(@ForAll("regions") String region, @ForAll("phoneish") String input) {
        normalise(region, input).ifPresent(e -> assertEquals(Optional.of(e), normalise(region, e),
                "the E.164 form normalises to itself"));
    }

    /** Found by the property above: libphonenumber calls this valid, but 16 digits are not E.164. */
    @Example
    void aSixteenDigitNumberIsRefusedNotPassedOnAsE164() {
        assertEquals(Optional.empty(), normalise("KR", "+4920100000000000"));
    }

    @Provide
    Arbitrary<String> regions() {
        List<String> all = new ArrayList<>(PhoneNumberUtil.getInstance().getSupportedRegions());
        all.addAll(List.of("KR", "ZZ", "AA", "XX", "QQ"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just("KR")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(all)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('A', 'Z').ofLength(2)));
    }

    @Provide
    Arbitrary<String> phoneish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().withChars("0123456789+-() ./#*xXext;,").ofMaxLength(45),
                Arbitraries.strings().withChars("0123456789٠١٢٣٤٥٦٧٨٩０１２３４５６７８９+- ").ofMaxLength(30),
                Combinators.combine(Arbitraries.integers().between(1, 999),
                                Arbitraries.strings().withChars("0123456789").ofMinLength(4).ofMaxLength(14),
                                Arbitraries.of("", " ", "-", ".", "  ", "\t"))
                        .as((cc, rest, sep) -> "+" + cc + sep + rest),
                Arbitraries.of("", " ", "+", "++82", "+0", "00", "+82", "tel:+82-10-1234-5678", "010-1234-5678\u0000",
                        "010\u202E12345678", "１２３", "+82 10 1234 5678 ext. 99999999999999999999", "9".repeat(40),
                        "+" + "9".repeat(39), "' OR 1=1 --"));
    }

    @Property(tries = 5_000)
    void aKoreanMobileNumberInAnyNotationIsOneNumber(@ForAll("mobile") String eight, @ForAll("notation") int style) {
        String a = eight.substring(0, 4);
        String b = eight.substring(4);
        String written = switch (style) {
            case 0 -> "010-" + a + "-" + b;
            case 1 -> "+82 10 " + a + " " + b;
            case 2 -> "010" + a + b;
            case 3 -> "+821" + "0" + a + b;
            case 4 -> "(010) " + a + "-" + b;
            case 5 -> "010." + a + "." + b;
            case 6 -> "001 82 10 " + a + " " + b; // dialled from Korea with an international prefix
            default -> " 010 " + a + " " + b + " ";
        };
        Optional<String> e = normalise("KR", written);
        Optional<String> plain = normalise("KR", "010-" + a + "-" + b);
        assertEquals(plain, e, written + " is the same number as 010-" + a + "-" + b);
        plain.ifPresent(p -> assertEquals("+8210" + eight, p));
        if ("234678".indexOf(eight.charAt(0)) >= 0) {
            assertEquals(Optional.of("+8210" + eight), e, written + " is a valid mobile number");
        }
    }

    @Provide
    Arbitrary<String> mobile() {
        return Arbitraries.strings().withChars("0123456789").ofLength(8);
    }

    @Provide
    Arbitrary<Integer> notation() {
        return Arbitraries.integers().between(0, 7);
    }
}
