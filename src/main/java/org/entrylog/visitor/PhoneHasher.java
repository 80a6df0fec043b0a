package org.entrylog.visitor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.entrylog.common.ApiException;
import org.entrylog.store.KeyFiles;

/**
 * The keyed hash that lets an official find a case by phone number without the server storing
 * the number. Version 2 (issue 14): {@code Argon2id(password = HMAC-SHA256(key, E.164),
 * secret = key, salt = a fixed application salt, m = 64 MiB, t = 1, p = 1)}.
 *
 * <p>Why: the HMAC alone is keyed, which stops reversal from the database alone, but whoever holds
 * the data folder holds the key, and a national mobile range (~10⁸ numbers) was enumerated at
 * 114 k HMACs per second per core, every registered number recovered in minutes. Argon2id makes
 * each guess cost ~64 MiB and tens of milliseconds (BENCHMARKS.md, "Phone index"), i.e. years of
 * core-time for the range, and the memory defeats cheap GPU parallelism. The salt is fixed (not per
 * row) because the hash is a lookup index: a trace must find every row of one number with one hash.
 * The HMAC stays inside so that rows written before version 2, which hold only the HMAC, migrate by
 * applying {@link #strengthen} to the stored value ({@link PhoneIndexMigration}); the phone number
 * itself was never stored.
 *
 * <p>Each hash works in 64 MiB, so at most {@link #concurrency()} run at once (sized from the
 * cores and the heap); a burst of registrations queues, and a request that waited
 * {@link #MAX_WAIT} gets 503 {@code unavailable} instead of exhausting the heap. That memory is
 * kept between hashes (BouncyCastle's block pool, at most one hash's worth per slot; each block is
 * zeroed before it goes back): allocated afresh, 64 MiB of 1 KiB blocks lived the hash's ~150 ms,
 * long enough for the collector to copy them into the old generation, and a trace's hash then cost
 * the requests after it a collection (issue 18; BENCHMARKS.md, section 5, "Session 8"). The pool
 * is held softly ({@link KeptBlocks}): the collector may take it back rather than run short.
 */
public final class PhoneHasher {
    public static final String KEY_FILE = "phone-hmac.key";
    /** Argon2id parameters of version 2. Changing them changes every hash: it needs a new version and a migration. */
    static final int MEMORY_KIB = 64 * 1024;
    static final int ITERATIONS = 1;
    static final int PARALLELISM = 1;
    static final byte[] SALT = "entrylog phone index v2".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 2;
    static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final SecretKeySpec key;
    private final byte[] secret;
    private final int memoryKib;
    private final int iterations;
    private final Semaphore slots;
    private final Argon2BytesGenerator.BlockPool blocks;
    private final Duration maxWait;

    public PhoneHasher(byte[] key) {
        this(key, MEMORY_KIB, ITERATIONS, MAX_WAIT);
    }

    /** With other Argon2id costs or wait: for tests only, never for a data folder. */
    PhoneHasher(byte[] key, int memoryKib, int iterations, Duration maxWait) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.secret = key.clone();
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.maxWait = maxWait;
        int concurrency = concurrencyFor(memoryKib);
        this.slots = new Semaphore(concurrency, true);
        this.blocks = new KeptBlocks(memoryKib * concurrency);
    }

    /** The key of a data folder, made on first use (owner-only). */
    public static PhoneHasher forDataDir(Path dataDir) {
        return new PhoneHasher(KeyFiles.key32(dataDir, KEY_FILE));
    }

    /**
     * How many hashes may run at once: one per core, and no more than a quarter of the heap
     * can hold, at least one.
     */
    static int concurrencyFor(int memoryKib) {
        long perHash = (long) memoryKib * 1024 + (8L << 20);
        long byHeap = Runtime.getRuntime().maxMemory() / 4 / perHash;
        return (int) Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), byHeap));
    }

    public int concurrency() {
        return concurrencyFor(memoryKib);
    }

    /** The lookup hash (version 2) of a number in E.164 form. */
    public byte[] hash(String e164) {
        byte[] h = hmac(e164);
        try {
            return strengthen(h);
        } finally {
            Arrays.fill(h, (byte) 0);
        }
    }

    /** Version 1, the plain HMAC, as rows written before version 2 hold it. */
    public byte[] hmac(String e164) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(e164.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Version 1 → version 2: Argon2id of an HMAC value, waiting for a free slot (503 after {@link #MAX_WAIT}). */
    public byte[] strengthen(byte[] hmac) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(SALT)
                .withSecret(secret)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(PARALLELISM)
                .withBlockPool(blocks)
                .build();
        byte[] out = new byte[32];
        boolean got;
        try {
            got = slots.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw ApiException.unavailable("Too many phone numbers are being checked at once; try again shortly.");
        }
        try {
            // inside the slot: the generator takes its 64 MiB from the pool and gives it back, zeroed, at the end
            Argon2BytesGenerator gen = new Argon2BytesGenerator();
            gen.init(params);
            gen.generateBytes(hmac, out);
        } finally {
            slots.release();
        }
        return out;
    }

    /**
     * BouncyCastle's fixed pool behind a soft reference: the blocks idle between hashes stay while
     * the heap has room (a busy server keeps them, so hashes make no garbage) and are given up to
     * the collector before it would run out, e.g. with many servers in one JVM, as in the tests.
     */
    private static final class KeptBlocks implements Argon2BytesGenerator.BlockPool {
        private final int maxBlocks;
        private volatile java.lang.ref.SoftReference<Argon2BytesGenerator.FixedBlockPool> pool =
                new java.lang.ref.SoftReference<>(null);

        KeptBlocks(int maxBlocks) {
            this.maxBlocks = maxBlocks;
        }

        /** The pool, or a new one if the collector took it (two hashes may each make one; one is kept). */
        private Argon2BytesGenerator.FixedBlockPool pool() {
            Argon2BytesGenerator.FixedBlockPool p = pool.get();
            if (p == null) {
                p = new Argon2BytesGenerator.FixedBlockPool(maxBlocks);
                pool = new java.lang.ref.SoftReference<>(p);
            }
            return p;
        }

        @Override
        public Argon2BytesGenerator.Block allocate() {
            return pool().allocate();
        }

        @Override
        public void deallocate(Argon2BytesGenerator.Block block) {
            pool().deallocate(block);
        }
    }

    @Override
    public String toString() {
        return "PhoneHasher[key=REDACTED, argon2id m=" + memoryKib + "KiB t=" + iterations + "]";
    }
}
