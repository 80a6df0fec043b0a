package org.entrylog.official;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.entrylog.common.ApiException;
import org.entrylog.common.Hashes;
import org.entrylog.common.Ids;

/**
 * Official passwords, hashed with Argon2id (RFC 9106) by BouncyCastle and stored in the PHC string
 * form {@code $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>}, so the parameters of old
 * hashes stay readable when the defaults are raised.
 *
 * <p>Parameters: m = 32 MiB, t = 3, p = 1. OWASP's Password Storage Cheat Sheet sets the floor at
 * m = 19 MiB, t = 2, p = 1; RFC 9106's "second recommended option" (m = 64 MiB, t = 3, p = 4) would
 * take about half a second in BouncyCastle's pure Java on this project's reference machine (2
 * shared cores) and use both cores per sign-in. m = 32 MiB, t = 3 is above the OWASP floor — an
 * attacker holding a stolen hash pays 32 MiB and three passes per guess, which is what defeats
 * cheap GPU/ASIC parallelism — and measured about 100 ms per hash on that machine under load
 * (65 ms for the OWASP floor), inside the 100–300 ms a sign-in can afford. p = 1 so that one
 * sign-in takes one core, not both.
 *
 * <p>Hashing is memory-hard on purpose, so it is also a way to exhaust the server: at most
 * {@link #CONCURRENT} hashes run at once (a flood of sign-ins queues instead of allocating
 * 32 MiB per request), on top of the login throttle.
 */
public final class Passwords {
    public static final int MIN_LENGTH = 12;
    /** Longer passwords are refused rather than hashed: bounds the work one request can cause. */
    public static final int MAX_LENGTH = 256;
    static final int MEMORY_KIB = 32 * 1024;
    static final int ITERATIONS = 3;
    static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    static final int CONCURRENT = 2;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Semaphore slots = new Semaphore(CONCURRENT, true);
    /**
     * A real hash of a random password, compared against when the username is unknown, so an
     * unknown user costs the same Argon2 work as a wrong password (no user enumeration by timing).
     */
    private final String dummy;

    public Passwords() {
        this.dummy = hash(Ids.newSecret());
    }

    /** Checks a new password's length (at least {@value #MIN_LENGTH} characters). */
    public static String requireAcceptable(String password) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw new IllegalArgumentException("The password must be at least " + MIN_LENGTH + " characters long.");
        }
        if (password.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("The password must be at most " + MAX_LENGTH + " characters long.");
        }
        return password;
    }

    /** A fresh salted Argon2id hash in PHC form. */
    public String hash(String password) {
        byte[] salt = Ids.randomBytes(SALT_BYTES);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(out);
    }

    /**
     * Whether the password matches the stored hash; {@code stored == null} (unknown user) checks
     * against the dummy hash and answers false, at the same cost.
     */
    public boolean verify(String password, String stored) {
        boolean known = stored != null;
        String target = known ? stored : dummy;
        String[] parts = target.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            throw new IllegalStateException("stored password hash is not Argon2id PHC");
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            String[] a = kv.split("=", 2);
            int v = Integer.parseInt(a[1]);
            switch (a[0]) {
                case "m" -> m = v;
                case "t" -> t = v;
                case "p" -> p = v;
                default -> throw new IllegalStateException("unknown Argon2 parameter");
            }
        }
        byte[] salt = B64D.decode(parts[4]);
        byte[] expected = B64D.decode(parts[5]);
        String candidate = password == null || password.length() > MAX_LENGTH ? "" : password;
        byte[] actual = derive(candidate, salt, m, t, p, expected.length);
        boolean same = Hashes.equal(actual, expected);
        Arrays.fill(actual, (byte) 0);
        return known && same && password != null && password.length() <= MAX_LENGTH;
    }

    private byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[length];
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("Interrupted while checking the password.");
        }
        try {
            gen.generateBytes(pw, out);
        } finally {
            slots.release();
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Passwords[argon2id m=" + MEMORY_KIB + "KiB t=" + ITERATIONS + " p=" + PARALLELISM + "]";
    }
}
