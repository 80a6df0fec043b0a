package org.entrylog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.entrylog.common.Ids;
import org.entrylog.official.Exports;
import org.entrylog.visitor.AuthorityKey;
import org.entrylog.visitor.IdentitySealer;
import org.entrylog.common.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unseal --key PEM [--csv]}: the health authority's offline tool. Reads an official export
 * (the JSON answer of {@code POST /api/traces} or {@code GET /api/venues/{id}/visits}) on standard
 * input and writes it with every {@code sealedIdentity} replaced by {@code name} and {@code phone}:
 * JSON, or with {@code --csv} RFC 4180 CSV whose formula-like cells are neutralised. Needs no data
 * folder and no network; the private key never has to be on the server.
 *
 * <p>An identity that does not open (another key, damaged text) is written as {@code unsealError}
 * and the command exits 1, so a partial result is never mistaken for a whole one.
 */
@Command(name = "unseal", description = "Open the sealed identities of an official export (JSON on standard input) "
        + "with the authority's private key; offline.")
final class UnsealCommand implements Callable<Integer> {
    /** An export of a whole retention period at a busy venue stays far below this. */
    static final int MAX_INPUT = 256 * 1024 * 1024;
    /**
     * The fields of the two exports: {@code {"visits"}} and {@code {"caseRef","visits","contacts",
     * "contactsOutsideRegion"}} (the last counts only, passed through: contacts there carry no identity to open).
     */
    private static final Set<String> EXPORT_FIELDS = Set.of("caseRef", "visits", "contacts", "contactsOutsideRegion");

    @Option(names = "--key", required = true, paramLabel = "PEM",
            description = "The authority's X25519 private key (PKCS#8 PEM, RFC 8410).")
    Path key;

    @Option(names = "--csv", description = "Write CSV instead of JSON.")
    boolean csv;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        X25519PrivateKeyParameters sk = AuthorityKey.readPrivate(Files.readString(key, StandardCharsets.US_ASCII));
        byte[] input = readInput(System.in);
        JsonNode export = Json.object(input, EXPORT_FIELDS);
        if (!export.has("visits")) {
            throw new IllegalArgumentException("This is not an official export: it has no 'visits'.");
        }
        int failed = 0;
        for (String list : new String[] {"visits", "contacts"}) {
            JsonNode items = export.get(list);
            if (items == null) {
                continue;
            }
            if (!items.isArray()) {
                throw new IllegalArgumentException("'" + list + "' must be an array: this is not an official export.");
            }
            ArrayNode array = (ArrayNode) items;
            for (int i = 0; i < array.size(); i++) {
                if (!array.get(i).isObject()) {
                    throw new IllegalArgumentException("'" + list + "' holds something other than objects.");
                }
                ObjectNode item = (ObjectNode) array.get(i);
                if (item.has("sealedIdentity")) {
                    ObjectNode opened = unseal(item, sk);
                    if (opened.has("unsealError")) {
                        failed++;
                    }
                    array.set(i, opened);
                }
            }
        }
        var out = spec.commandLine().getOut();
        if (csv) {
            out.print(Exports.csv(export));
        } else {
            out.println(Json.write(export));
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** The item with {@code sealedIdentity} replaced, in place, by {@code name} and {@code phone}. */
    private static ObjectNode unseal(ObjectNode item, X25519PrivateKeyParameters sk) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("sealedIdentity")) {
                out.set(f.getKey(), f.getValue());
                continue;
            }
            byte[] sealed = f.getValue().isTextual() ? Ids.decodeCanonical(f.getValue().textValue()) : null;
            try {
                IdentitySealer.Identity id = IdentitySealer.open(sealed, sk);
                out.put("name", id.name());
                out.put("phone", id.phone());
            } catch (InvalidCipherTextException | RuntimeException e) {
                out.putNull("name");
                out.putNull("phone");
                out.put("unsealError", "this identity does not open with this key");
            }
        }
        return out;
    }

    private static byte[] readInput(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_INPUT + 1);
        if (b.length > MAX_INPUT) {
            throw new IllegalArgumentException("The export on standard input is larger than " + (MAX_INPUT >> 20) + " MiB.");
        }
        return b;
    }
}
