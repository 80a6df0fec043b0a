package org.entrylog.visitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.entrylog.common.ApiException;
import org.entrylog.official.Officials;
import org.entrylog.store.KeyFiles;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The phone index is memory-hard (issue 14 item 4): what is stored is Argon2id (64 MiB, with the
 * HMAC key as its secret) over the HMAC, not the HMAC an attacker with the data folder could
 * enumerate at 10⁵ guesses per second; old HMAC rows are converted at start and still found by a
 * trace; a burst waits for a bounded number of hashes and gets 503 rather than exhausting memory.
 */
class PhoneIndexTest {
    @TempDir
    Path dir;

    /** Argon2id as RFC 9106 defines it, computed here independently of PhoneHasher. */
    private static byte[] argon2id(byte[] password, byte[] secret) {
        return argon2id(password, secret, 64 * 1024);
    }

    private static byte[] argon2id(byte[] password, byte[] secret, int memoryKib) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(PhoneHasher.SALT).withSecret(secret).withMemoryAsKB(memoryKib).withIterations(1)
                .withParallelism(1).build());
        byte[] out = new byte[32];
        g.generateBytes(password, out);
        return out;
    }

    private byte[] storedHash(TestApp t) {
        return t.app.db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT phone_hash FROM visitor");
                 ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                return rs.getBytes(1);
            }
        });
    }

    @Test
    void theStoredHashIsArgon2idOf64MiBKeyedWithTheHmacKeyNotTheHmac() {
        try (TestApp t = new TestApp(dir)) {
            t.register("Kim", "010-1234-5678");
            byte[] key = KeyFiles.key32(dir, PhoneHasher.KEY_FILE);
            byte[] hmac = new PhoneHasher(key).hmac("+821012345678");
            byte[] stored = storedHash(t);
            assertFalse(Arrays.equals(hmac, stored), "not the bare HMAC");
            assertArrayEquals(argon2id(hmac, key), stored, "Argon2id m=64 MiB t=1 p=1, the key as secret");
            assertEquals(1, t.count("SELECT count(*) FROM visitor WHERE phone_hash_version = 2"));
        }
    }

    @Test
    void hmacRowsAreConvertedAtStartOnceAndATraceStillFindsThem() throws Exception {
        Instant visit = Instant.parse("2026-03-02T09:00:00Z");
        try (TestApp t = new TestApp(dir)) {
            TestApp.Device door = t.venueWithDevice("Cafe");
            TestApp.Visitor v = t.register("Kim", "010-1234-5678");
            assertEquals(201, t.scan(door, t.pass(v)).status());
        }
        // as a database from before the Argon2id index holds it: the HMAC, version 1
        byte[] key = KeyFiles.key32(dir, PhoneHasher.KEY_FILE);
        byte[] hmac = new PhoneHasher(key).hmac("+821012345678");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE visitor SET phone_hash = ?, phone_hash_version = 1")) {
            ps.setBytes(1, hmac);
            assertEquals(1, ps.executeUpdate());
        }
        try (TestApp t = new TestApp(dir)) {
            assertEquals(0, t.count("SELECT count(*) FROM visitor WHERE phone_hash_version = 1"));
            assertArrayEquals(argon2id(hmac, key), storedHash(t));
            Officials.add(t, "kim");
            t.clock.set(visit.plus(Duration.ofHours(1)));
            TestApp.Response trace = t.post("/api/traces", Officials.trace("010-1234-5678", visit.minus(Duration.ofHours(1)),
                    visit.plus(Duration.ofHours(1)), 30, "CASE-2026-0001"), Officials.token(t, "kim"));
            assertEquals(200, trace.status(), trace.body());
            assertEquals(1, trace.json().path("visits").size(), trace.body());
        }
        try (TestApp t = new TestApp(dir)) {
            assertEquals(0, new PhoneIndexMigration(t.app.db, null, t.app.phoneHasher).run(), "nothing left to convert");
            assertArrayEquals(argon2id(hmac, key), storedHash(t), "converted once, not twice");
        }
    }

    @Test
    void hashesInTheMemoryKeptFromEarlierOnesEqualFreshOnesAlsoWhenTheyRunAtOnce() throws Exception {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        PhoneHasher hasher = new PhoneHasher(key, 1024, 1, Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> each = new ArrayList<>();
            List<String> numbers = new ArrayList<>();
            for (int round = 0; round < 3; round++) { // later rounds take blocks earlier ones gave back
                for (int i = 0; i < 8; i++) {
                    String e164 = "+8210555" + String.format("%04d", i);
                    numbers.add(e164);
                    each.add(pool.submit(() -> hasher.hash(e164)));
                }
            }
            for (int i = 0; i < each.size(); i++) {
                byte[] expected = argon2id(hasher.hmac(numbers.get(i)), key, 1024);
                assertArrayEquals(expected, each.get(i).get(), numbers.get(i) + ", hash " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBurstWaitsForAFreeSlotAndIsRefused503WhenItWaitsTooLong() throws Exception {
        // slow hashes (t = 8) and a short wait, so the slots are visibly full
        PhoneHasher hasher = new PhoneHasher(new byte[32], 64 * 1024, 8, Duration.ofMillis(50));
        int slots = hasher.concurrency();
        assertTrue(slots >= 1 && slots <= Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(slots);
        CountDownLatch started = new CountDownLatch(slots);
        try {
            List<Future<byte[]>> busy = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                busy.add(pool.submit(() -> {
                    started.countDown();
                    return hasher.hash("+8210000000" + Thread.currentThread().getId() % 10);
                }));
            }
            started.await();
            Thread.sleep(200);
            ApiException e = assertThrows(ApiException.class, () -> hasher.hash("+821012345678"));
            assertEquals("unavailable", e.code());
            for (Future<byte[]> f : busy) {
                assertEquals(32, f.get().length, "the ones that got a slot finish");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
