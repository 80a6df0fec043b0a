package org.entrylog.visitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.entrylog.testing.TestApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Identities are sealed to the authority's key exactly as docs/design.md says, and only that key opens them. */
class IdentitySealingTest {
    @TempDir
    Path dir;

    private List<byte[]> sealedIdentities() throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("entrylog.db"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sealed_identity FROM visitor ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
        }
        return out;
    }

    @Test
    void hangulAndOtherNamesRoundTripThroughSealingUnchanged() throws Exception {
        String[] names = {"김민수", "Ōtsuka 大塚", "=HYPERLINK(\"http://x\",\"y\")", "<script>alert(1)</script>", "😀 Emoji"};
        try (TestApp t = new TestApp(dir)) {
            for (String n : names) {
                t.register(n, "010-1234-5678");
            }
        }
        X25519PrivateKeyParameters key = AuthorityKey.readPrivate(Files.readString(dir.resolve(AuthorityKey.PRIVATE_FILE)));
        List<byte[]> sealed = sealedIdentities();
        for (int i = 0; i < names.length; i++) {
            IdentitySealer.Identity id = IdentitySealer.open(sealed.get(i), key);
            assertEquals(names[i], id.name());
            assertEquals("+821012345678", id.phone());
        }
    }

    @Test
    void theSealedFormIsEncThenCiphertextOfTheJsonIdentity() throws Exception {
        X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(new java.security.SecureRandom());
        IdentitySealer sealer = new IdentitySealer(sk.generatePublicKey());
        byte[] sealed = sealer.seal(new IdentitySealer.Identity("Kim", "+821012345678"));
        byte[] plaintext = "{\"name\":\"Kim\",\"phone\":\"+821012345678\"}".getBytes();
        assertEquals(32 + plaintext.length + 16, sealed.length, "X25519 enc (32) + ciphertext + Poly1305 tag (16)");
        // open with the RFC 9180 single-shot API directly, independently of our own open()
        var hpke = new org.bouncycastle.crypto.hpke.HPKE(org.bouncycastle.crypto.hpke.HPKE.mode_base,
                org.bouncycastle.crypto.hpke.HPKE.kem_X25519_SHA256, org.bouncycastle.crypto.hpke.HPKE.kdf_HKDF_SHA256,
                org.bouncycastle.crypto.hpke.HPKE.aead_CHACHA20_POLY1305);
        var pair = new org.bouncycastle.crypto.AsymmetricCipherKeyPair(sk.generatePublicKey(), sk);
        byte[] pt = hpke.open(java.util.Arrays.copyOf(sealed, 32), pair, "entrylog identity v1".getBytes(), new byte[0],
                java.util.Arrays.copyOfRange(sealed, 32, sealed.length), null, null, null);
        assertEquals(new String(plaintext), new String(pt));
    }

    @Test
    void anotherKeyCannotOpenIt() {
        X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(new java.security.SecureRandom());
        X25519PrivateKeyParameters other = new X25519PrivateKeyParameters(new java.security.SecureRandom());
        byte[] sealed = new IdentitySealer(sk.generatePublicKey()).seal(new IdentitySealer.Identity("Kim", "+821012345678"));
        assertThrows(InvalidCipherTextException.class, () -> IdentitySealer.open(sealed, other));
    }

    @Test
    void aConfiguredAuthorityKeyIsUsedAndNoDemoPairIsWritten(@TempDir Path keys) throws Exception {
        X25519PrivateKeyParameters sk = new X25519PrivateKeyParameters(new java.security.SecureRandom());
        Path pub = keys.resolve("authority.pem");
        Files.writeString(pub, AuthorityKey.publicPem(sk.generatePublicKey()));
        try (TestApp t = new TestApp(dir, org.entrylog.testing.MutableClock.at("2026-03-02T09:00:00Z"),
                java.util.Map.of("ENTRYLOG_AUTHORITY_PUBLIC_KEY", pub.toString()))) {
            t.register("Kim", "01012345678");
        }
        assertTrue(Files.notExists(dir.resolve(AuthorityKey.PRIVATE_FILE)));
        assertEquals("Kim", IdentitySealer.open(sealedIdentities().get(0), sk).name());
    }

    @ParameterizedTest
    @CsvSource({
        "010-1234-5678, +821012345678",
        "+82 10 1234 5678, +821012345678",
        "01012345678, +821012345678",
        "(010) 1234 5678, +821012345678",
        "+44 20 7946 0958, +442079460958",
    })
    void phoneNumbersInAnyCommonNotationAreOneNumber(String input, String e164) {
        assertEquals(e164, new PhoneNumbers("KR").normalise(input).orElseThrow());
    }

    @Test
    void notPhoneNumbersAreRefused() {
        PhoneNumbers p = new PhoneNumbers("KR");
        for (String s : new String[] {"", "12", "hello", "010-1234-5678-9999-0000", "+1 000", "0".repeat(50)}) {
            assertTrue(p.normalise(s).isEmpty(), s);
        }
    }
}
