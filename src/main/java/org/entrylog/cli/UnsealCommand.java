package org.entrylog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.entrylog.common.Ids;
import org.entrylog.config.Config;
import org.entrylog.official.Exports;
import org.entrylog.official.SormasContacts;
import org.entrylog.visitor.PhoneNumbers;
import org.entrylog.visitor.AuthorityKey;
import org.entrylog.visitor.IdentitySealer;
import org.entrylog.common.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code unseal --key PEM [--format json|csv|sormas] [--csv]}: the health authority's offline tool. Reads
 * an official export (the JSON answer of {@code POST /api/traces} or {@code GET /api/venues/{id}/visits})
 * on standard input and writes it with every {@code sealedIdentity} replaced by {@code name} and
 * {@code phone}: JSON; with {@code --format csv} (or {@code --csv}) RFC 4180 CSV whose formula-like
 * cells are neutralised ({@link Exports}); with {@code --format sormas} a trace's contacts as a SORMAS
 * contact import file ({@link SormasContacts}). Both CSV forms begin with a UTF-8 byte order mark and
 * write phone numbers of the default country ({@code --country}, else {@code ENTRYLOG_DEFAULT_COUNTRY},
 * else KR) in national form. Needs no data folder and no network; the private key never has to be on
 * the server.
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

    @Option(names = "--csv", description = "Write CSV instead of JSON (the same as --format csv).")
    boolean csv;

    /** What {@code --format} writes. */
    enum Format { json, csv, sormas }

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "json (default), csv, or sormas: a trace's contacts as a SORMAS contact import file.")
    Format format;

    @Option(names = "--country", paramLabel = "CC",
            description = "Phone numbers of this country are written in national form (env ENTRYLOG_DEFAULT_COUNTRY, default KR).")
    String country;

    @Option(names = "--disease", paramLabel = "DISEASE",
            description = "sormas: the SORMAS disease of every contact, e.g. CORONAVIRUS (default: empty, taken from the linked case).")
    String disease;

    @Option(names = "--date-format", paramLabel = "PATTERN", defaultValue = "dd.MM.yyyy",
            description = "sormas: the pattern of lastContactDate, as the importing SORMAS user's language reads dates (default ${DEFAULT-VALUE}).")
    String datePattern;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "sormas: the time zone of contact dates and times (default: this computer's, e.g. Asia/Seoul).")
    String zone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Format f = format();
        PhoneNumbers phones = new PhoneNumbers(Config.defaultCountry(country != null ? Map.of(COUNTRY, country)
                : System.getenv()));
        DateTimeFormatter dates = f == Format.sormas ? dateFormat() : null;
        ZoneId tz = f == Format.sormas ? zone() : null;
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
        switch (f) {
            case csv -> out.print(Exports.csv(export, phones));
            case sormas -> out.print(SormasContacts.csv(export, phones, tz, dates, disease));
            case json -> out.println(Json.write(export));
        }
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    private static final String COUNTRY = "ENTRYLOG_DEFAULT_COUNTRY";

    private Format format() {
        if (csv && format != null && format != Format.csv) {
            throw new IllegalArgumentException("--csv and --format " + format + " contradict each other.");
        }
        return csv ? Format.csv : format == null ? Format.json : format;
    }

    private DateTimeFormatter dateFormat() {
        try {
            return DateTimeFormatter.ofPattern(datePattern);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--date-format: not a date pattern: " + e.getMessage());
        }
    }

    private ZoneId zone() {
        try {
            return zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone: not a time zone: " + zone);
        }
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
