package org.entrylog.official;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.visitor.PhoneNumbers;

/**
 * The CSV form of the two official exports, made from their JSON form, so the server's
 * {@code Accept: text/csv} answer and the offline {@code unseal --csv} write the same columns.
 *
 * <ul>
 *   <li>venue visits ({@code {"visits":[…]}}):
 *       {@code scanId,visitorId,scannedAt,direction,companions,sealedIdentity} (or {@code name,phone} once unsealed)</li>
 *   <li>trace ({@code {"caseRef","visits","contacts"}}): one row per case visit ({@code kind=case}) and per
 *       contact ({@code kind=contact}):
 *       {@code caseRef,kind,visitorId,venueId,venueName,scannedAt,direction,companions,area,sameArea,sealedIdentity}
 *       (or {@code name,phone}); {@code area} is the tablet's area (empty: none), {@code sameArea} is empty on
 *       case rows and {@code true}/{@code false} on contacts</li>
 * </ul>
 * When an identity could not be opened, {@code unsealError} is added as a last column. The text begins
 * with {@link Csv#BOM}; {@code phone} is written by {@link PhoneNumbers#forSpreadsheet}.
 */
public final class Exports {
    private Exports() {}

    /** Whether this JSON is a trace export (as opposed to a venue's visits). */
    public static boolean isTrace(JsonNode export) {
        return export.has("contacts");
    }

    public static String csv(JsonNode export, PhoneNumbers phones) {
        boolean unsealed = has(export, "name");
        boolean errors = has(export, "unsealError");
        List<String> identity = unsealed ? List.of("name", "phone") : List.of("sealedIdentity");
        Csv csv = new Csv();
        List<String> columns = new ArrayList<>();
        if (isTrace(export)) {
            columns.addAll(List.of("caseRef", "kind", "visitorId", "venueId", "venueName", "scannedAt", "direction",
                    "companions", "area", "sameArea"));
        } else {
            columns.addAll(List.of("scanId", "visitorId", "scannedAt", "direction", "companions"));
        }
        columns.addAll(identity);
        if (errors) {
            columns.add("unsealError");
        }
        csv.row(columns);
        if (isTrace(export)) {
            String caseRef = text(export, "caseRef");
            rows(csv, export.path("visits"), columns, caseRef, "case", phones);
            rows(csv, export.path("contacts"), columns, caseRef, "contact", phones);
        } else {
            rows(csv, export.path("visits"), columns, null, null, phones);
        }
        return Csv.BOM + csv;
    }

    private static void rows(Csv csv, JsonNode items, List<String> columns, String caseRef, String kind,
                             PhoneNumbers phones) {
        for (JsonNode item : items) {
            List<String> cells = new ArrayList<>(columns.size());
            for (String col : columns) {
                switch (col) {
                    case "caseRef" -> cells.add(caseRef);
                    case "kind" -> cells.add(kind);
                    case "phone" -> cells.add(phones.forSpreadsheet(text(item, col)));
                    default -> cells.add(text(item, col));
                }
            }
            csv.row(cells);
        }
    }

    private static boolean has(JsonNode export, String field) {
        for (String list : new String[] {"visits", "contacts"}) {
            for (JsonNode item : export.path(list)) {
                if (item.has(field)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }
}
