package org.entrylog.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.entrylog.common.Ids;
import org.entrylog.pass.SigningKeys;
import org.entrylog.common.Json;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * Deletion receipts and log checkpoints: JSON objects signed with the server's Ed25519 key.
 * {@code signature} is base64url of the signature over the UTF-8 bytes of the object without
 * {@code signature}, in its RFC 8785 (JCS) canonical form; {@code kid} names the key in
 * {@code /api/keys}. Anyone can check one with the public key and any Ed25519 implementation.
 */
public final class SignedStatements {
    private final SigningKeys keys;

    public SignedStatements(SigningKeys keys) {
        this.keys = keys;
    }

    /** Adds {@code kid} and {@code signature} to the statement (which must not have them yet). */
    public ObjectNode sign(ObjectNode statement) {
        SigningKeys.Key key = keys.active();
        statement.put("kid", key.kid());
        byte[] message = canonical(statement);
        statement.put("signature", Ids.encode(SigningKeys.sign(key, message, 0, message.length)));
        return statement;
    }

    /** True when the statement's signature is valid under the key its {@code kid} names. */
    public boolean verify(JsonNode statement) {
        Optional<SigningKeys.Key> key = keys.byKid(statement.path("kid").asText());
        return key.isPresent() && verify(statement, key.get().publicKey());
    }

    public static boolean verify(JsonNode statement, Ed25519PublicKeyParameters publicKey) {
        if (!statement.isObject() || !statement.path("signature").isTextual()) {
            return false;
        }
        byte[] sig = Ids.decode(statement.get("signature").asText(), 64);
        if (sig == null) {
            return false;
        }
        ObjectNode body = ((ObjectNode) statement).deepCopy();
        body.remove("signature");
        byte[] message = canonical(body);
        return SigningKeys.verify(publicKey, message, 0, message.length, sig);
    }

    /** The RFC 8785 canonical UTF-8 bytes of a JSON value. */
    public static byte[] canonical(JsonNode value) {
        try {
            return new JsonCanonicalizer(Json.write(value)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalStateException("cannot canonicalise", e);
        }
    }
}
