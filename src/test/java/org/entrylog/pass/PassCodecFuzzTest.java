package org.entrylog.pass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.web.ErrorMapper;

/**
 * Property-based fuzzing of the pass parser, {@link PassCodec#verify} (docs/threat-model.md T3–T5, T10): any text
 * at all, forged binary passes with the right version and key id, and every small mutation of a
 * valid pass are refused with {@code token_malformed} or {@code token_bad_signature}, never with
 * any other exception; only the untouched pass is accepted.
 */
@Tag("fuzz")
class PassCodecFuzzTest {
    private static final Set<String> ALLOWED = Set.of("token_malformed", "token_bad_signature");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");

    private static Path dir;
    private static PassCodec codec;
    private static SigningKeys keys;
    private static final List<String> VALID = new ArrayList<>();
    private static final byte[] VISITOR = Ids.newId();

    @BeforeContainer
    static void keys() throws Exception {
        dir = Files.createTempDirectory("entrylog-passfuzz");
        keys = SigningKeys.openOrCreate(dir, Clock.fixed(NOW, ZoneOffset.UTC));
        codec = new PassCodec(keys, PassCodec.pseudonymKey(dir));
        for (int i = 0; i < 16; i++) {
            VALID.add(codec.issue(VISITOR, NOW, 30));
        }
    }

    @AfterContainer
    static void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Verifies and returns normally only for an accepted pass; any refusal must be one of the two codes. */
    private static boolean accepted(String text) {
        try {
            PassToken t = codec.verify(text);
            assertArrayEquals(VISITOR, t.visitorId(), "an accepted pass names its visitor");
            return true;
        } catch (ApiException e) {
            int status = ErrorMapper.status(e.errorCode());
            assertTrue(ALLOWED.contains(e.code()), "refused with " + e.code() + " / " + status);
            assertTrue(status == 400 || status == 422, "status " + status);
            return false;
        } catch (RuntimeException e) {
            fail("the parser threw " + e + " for " + text.length() + " chars");
            return false;
        }
    }

    @Property(tries = 10_000)
    void anyTextIsRefusedWithATokenErrorOnly(@ForAll("anyText") String text) {
        if (accepted(text)) {
            fail("random text was accepted as a pass");
        }
    }

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(400),
                Arbitraries.strings().withChars(ALPHABET).ofMinLength(150).ofMaxLength(170),
                Arbitraries.strings().withChars(ALPHABET).ofLength(PassToken.TEXT_LENGTH),
                Arbitraries.strings().withChars(ALPHABET + "+/=.\u0000 ").ofLength(PassToken.TEXT_LENGTH),
                Arbitraries.of("", " ", "null", "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "1", "AQ", "=",
                        "{\"alg\":\"none\"}", "' OR 1=1 --"));
    }

    /** Binary passes of the right shape (version 1, this server's key id) with forged content and signature. */
    @Property(tries = 5_000)
    void forgedPassesWithTheRightKeyIdAreRefused(@ForAll("forged") byte[] raw) {
        if (accepted(Ids.encode(raw))) {
            fail("a forged pass was accepted");
        }
    }

    @Provide
    Arbitrary<byte[]> forged() {
        return Arbitraries.bytes().array(byte[].class).ofSize(PassToken.LENGTH).map(b -> {
            b[0] = PassToken.VERSION;
            System.arraycopy(keys.active().kidBytes(), 0, b, 1, 6);
            return b;
        });
    }

    /** One edit of the text or the bytes of a valid pass. */
    record Mutation(int kind, int position, int value, int pass) {}

    @Property(tries = 10_000)
    void everyMutationOfAValidPassIsRefusedAndOnlyTheOriginalAccepted(@ForAll("mutations") Mutation m) {
        String original = VALID.get(m.pass() % VALID.size());
        String mutated = apply(original, m);
        boolean ok = accepted(mutated);
        if (mutated.equals(original)) {
            assertTrue(ok, "the unchanged pass is accepted");
        } else if (ok) {
            fail("a mutated pass was accepted (kind " + m.kind() + " at " + m.position() + ")");
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 10), Arbitraries.integers().between(0, 200),
                Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 15)).as(Mutation::new);
    }

    private static String apply(String t, Mutation m) {
        int n = t.length();
        int p = m.position() % n;
        char alpha = ALPHABET.charAt(m.value() % ALPHABET.length());
        return switch (m.kind()) {
            case 0 -> { // flip one bit of the binary pass and re-encode canonically
                byte[] raw = Ids.decode(t, PassToken.LENGTH);
                int bit = m.value() % (raw.length * 8);
                raw[bit / 8] ^= (byte) (1 << (bit % 8));
                yield Ids.encode(raw);
            }
            case 1 -> t.substring(0, p) + alpha + t.substring(p + 1); // replace a character
            case 2 -> t.substring(0, p) + alpha + t.substring(p); // insert
            case 3 -> t.substring(0, p) + t.substring(p + 1); // delete
            case 4 -> t.substring(0, p); // truncate
            case 5 -> t + t.substring(0, 1 + p % 8); // extra characters
            case 6 -> t + "=".repeat(1 + p % 3); // padding
            case 7 -> t.substring(0, p) + (char) m.value() + t.substring(p + 1); // any UTF-16 unit
            case 8 -> t.replace('-', '+').replace('_', '/'); // standard instead of URL alphabet
            case 9 -> { // swap two characters
                char[] c = t.toCharArray();
                int q = (p + 1 + m.value()) % n;
                char x = c[p];
                c[p] = c[q];
                c[q] = x;
                yield new String(c);
            }
            default -> { // splice the signature of another valid pass onto this body
                String other = VALID.get((m.pass() + 1) % VALID.size());
                byte[] raw = Ids.decode(t, PassToken.LENGTH);
                byte[] sig = Arrays.copyOfRange(Ids.decode(other, PassToken.LENGTH), PassToken.SIGNED_LENGTH,
                        PassToken.LENGTH);
                System.arraycopy(sig, 0, raw, PassToken.SIGNED_LENGTH, sig.length);
                yield Ids.encode(raw);
            }
        };
    }
}
