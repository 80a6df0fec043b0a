package org.entrylog.pass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.entrylog.common.Hashes;
import org.entrylog.common.Ids;
import org.entrylog.store.FilePermissions;

/**
 * The server's Ed25519 keys, kept in {@code keys/signing-keys.json} in the data folder (owner-only).
 * One key is active and signs; keys it replaced keep only their public half, so passes they
 * signed stay verifiable until they expire, and receipts stay checkable for ever.
 *
 * <p>The file is re-read whenever it changes, so {@code keys rotate} run beside a live server
 * takes effect at its next request.
 */
public final class SigningKeys {
    public static final String FILE = "signing-keys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A key: its id, public key, private key (active key only), and when it was replaced. */
    public record Key(String kid, byte[] kidBytes, Ed25519PublicKeyParameters publicKey,
                      Ed25519PrivateKeyParameters privateKey, Instant createdAt, Instant retiredAt) {
        public boolean active() {
            return retiredAt == null;
        }

        public String publicKeyText() {
            return Ids.encode(publicKey.getEncoded());
        }

        @Override
        public String toString() {
            return "Key[" + kid + (active() ? ", active" : ", retired") + ", private=[REDACTED]]";
        }
    }

    private record State(FileTime modified, List<Key> keys) {}

    private final Path file;
    private volatile State state;

    private SigningKeys(Path file, State state) {
        this.file = file;
        this.state = state;
    }

    /** Loads the keys of a data folder, making the first one when there is none. */
    public static SigningKeys openOrCreate(Path dataDir, Clock clock) {
        try {
            Path dir = dataDir.resolve("keys");
            Files.createDirectories(dir);
            FilePermissions.ownerOnly(dir);
            Path file = dir.resolve(FILE);
            if (!Files.exists(file)) {
                write(file, List.of(newKey(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))));
            }
            return new SigningKeys(file, load(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the signing keys in " + dataDir, e);
        }
    }

    /** Replaces the active key with a new one; the old one keeps its public half. Returns the new kid. */
    public String rotate(Clock clock) {
        synchronized (SigningKeys.class) {
            List<Key> keys = new ArrayList<>();
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            for (Key k : current().keys()) {
                keys.add(k.active() ? new Key(k.kid(), k.kidBytes(), k.publicKey(), null, k.createdAt(), now) : k);
            }
            Key fresh = newKey(now);
            keys.add(fresh);
            try {
                write(file, keys);
                state = load(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return fresh.kid();
        }
    }

    public Key active() {
        return current().keys().stream().filter(Key::active).findFirst()
                .orElseThrow(() -> new IllegalStateException("no active signing key in " + file));
    }

    public List<Key> all() {
        return current().keys();
    }

    public Optional<Key> byKidBytes(byte[] kid) {
        for (Key k : current().keys()) {
            if (Arrays.equals(k.kidBytes(), kid)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    public Optional<Key> byKid(String kid) {
        return current().keys().stream().filter(k -> k.kid().equals(kid)).findFirst();
    }

    public static byte[] sign(Key key, byte[] message, int off, int len) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, key.privateKey());
        s.update(message, off, len);
        return s.generateSignature();
    }

    public static boolean verify(Ed25519PublicKeyParameters key, byte[] message, int off, int len, byte[] sig) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(false, key);
        s.update(message, off, len);
        return s.verifySignature(sig);
    }

    private State current() {
        State s = state;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(s.modified())) {
                s = load(file);
                state = s;
            }
        } catch (IOException e) {
            // keep serving with the keys in memory; the next request tries again
        }
        return s;
    }

    private static Key newKey(Instant now) {
        Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(new SecureRandom());
        return key(priv.generatePublicKey(), priv, now, null);
    }

    private static Key key(Ed25519PublicKeyParameters pub, Ed25519PrivateKeyParameters priv, Instant created,
                           Instant retired) {
        byte[] kidBytes = Arrays.copyOf(Hashes.sha256(pub.getEncoded()), 6);
        return new Key(Ids.encode(kidBytes), kidBytes, pub, priv, created, retired);
    }

    private static State load(Path file) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        JsonNode root = JSON.readTree(file.toFile());
        List<Key> keys = new ArrayList<>();
        for (JsonNode n : root.path("keys")) {
            Ed25519PublicKeyParameters pub = new Ed25519PublicKeyParameters(Ids.decodeCanonical(n.get("publicKey").asText()));
            Ed25519PrivateKeyParameters priv = n.hasNonNull("privateKey")
                    ? new Ed25519PrivateKeyParameters(Ids.decodeCanonical(n.get("privateKey").asText())) : null;
            Instant retired = n.hasNonNull("retiredAt") ? Instant.parse(n.get("retiredAt").asText()) : null;
            keys.add(key(pub, priv, Instant.parse(n.get("createdAt").asText()), retired));
        }
        return new State(modified, List.copyOf(keys));
    }

    private static void write(Path file, List<Key> keys) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("keys");
        for (Key k : keys) {
            ObjectNode n = arr.addObject();
            n.put("kid", k.kid());
            n.put("alg", "Ed25519");
            n.put("publicKey", k.publicKeyText());
            if (k.active()) {
                n.put("privateKey", Ids.encode(k.privateKey().getEncoded()));
            }
            n.put("createdAt", k.createdAt().toString());
            if (k.retiredAt() != null) {
                n.put("retiredAt", k.retiredAt().toString());
            }
        }
        FilePermissions.writeOwnerOnly(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }
}
