package org.entrylog.official;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.entrylog.visitor.PhoneNumbers;

/**
 * The contacts of an unsealed trace as a SORMAS contact import file ({@code unseal --format sormas}):
 * the file a health office uploads at SORMAS → Contacts → Import.
 *
 * <p>The header follows SORMAS's own contact import template. SORMAS generates it from its DTOs in
 * {@code sormas-backend/src/main/java/de/symeda/sormas/backend/importexport/ImportFacadeEjb.java}
 * ({@code generateContactImportTemplateFile} → {@code writeTemplate(…, includeEntityNames = true)},
 * SORMAS-Project, development versions since the environment import, 2023): a row of entity names
 * ({@code DataHelper.getHumanClassName}: {@code Contact}, {@code Person}), a row of field paths
 * ({@code ContactDto} fields in declaration order, then {@code person.*} from {@code PersonDto} and
 * {@code addPrimaryPhoneAndEmail}), and two {@code ##} comment rows (captions, examples) that the
 * importer skips and this file leaves out. The importer ({@code sormas-ui/…/contact/importer/ContactImporter.java},
 * {@code super(inputFile, true, …)}: the entity row comes first) maps columns by name and leaves the others
 * unset, so only the columns entrylog can fill are written. Older SORMAS versions, whose contact
 * template had the field-path row only, would take the entity row for the header: delete the first
 * line for them. Separator {@code ,} (SORMAS's default {@code csvSeparator}); SORMAS reads the file
 * through a {@code BOMInputStream}, so the BOM is harmless.
 *
 * <ul>
 *   <li>{@code caseIdExternalSystem}: the trace's {@code caseRef}. When it is the case's SORMAS UUID the
 *       importer links the contact to that case ({@code ContactImporter}: {@code getCaseDataByUuid}).</li>
 *   <li>{@code disease}: {@code --disease} (a SORMAS {@code Disease} name such as {@code CORONAVIRUS}), else empty;
 *       SORMAS takes the disease from the case when it links one.</li>
 *   <li>{@code lastContactDate}: the day of the latest presence that made this visitor a contact, in
 *       the given zone and date pattern (SORMAS parses dates in the importing user's language:
 *       {@code dd.MM.yyyy} for German, the default).</li>
 *   <li>{@code description}: every such presence: venue, local time, companions, and the visitorId.</li>
 *   <li>{@code person.firstName}, {@code person.lastName}: the name, split by {@link #splitName}.</li>
 *   <li>{@code person.phone}: {@link PhoneNumbers#forSpreadsheet}.</li>
 * </ul>
 * One row per contact: a visitor found at several venues or times is one row. Every cell passes the
 * formula guard of {@link Csv}.
 */
public final class SormasContacts {
    /** SORMAS's entity-name row for the columns below. */
    public static final List<String> ENTITIES = List.of("Contact", "Contact", "Contact", "Contact", "Person",
            "Person", "Person");
    /** SORMAS's field-path row: a subset of its contact import template, in the template's order. */
    public static final List<String> COLUMNS = List.of("caseIdExternalSystem", "disease", "lastContactDate",
            "description", "person.firstName", "person.lastName", "person.phone");

    /** Two-syllable Korean family names; a four-syllable name beginning with one is split after it. */
    private static final Set<String> COMPOUND_SURNAMES = Set.of("남궁", "황보", "제갈", "사공", "선우", "서문", "독고",
            "동방");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private SormasContacts() {}

    /**
     * The import file (with {@link Csv#BOM}) for an unsealed trace export.
     *
     * @throws IllegalArgumentException when the export is not a trace (a venue's visits have no contacts)
     */
    public static String csv(JsonNode trace, PhoneNumbers phones, ZoneId zone, DateTimeFormatter dates,
                             String disease) {
        if (!Exports.isTrace(trace)) {
            throw new IllegalArgumentException("--format sormas needs a trace export (the answer of POST /api/traces).");
        }
        String caseRef = Exports.text(trace, "caseRef");
        Map<String, List<JsonNode>> byVisitor = new LinkedHashMap<>();
        for (JsonNode c : trace.path("contacts")) {
            byVisitor.computeIfAbsent(String.valueOf(Exports.text(c, "visitorId")), k -> new ArrayList<>()).add(c);
        }
        Csv csv = new Csv().row(ENTITIES).row(COLUMNS);
        for (Map.Entry<String, List<JsonNode>> e : byVisitor.entrySet()) {
            List<JsonNode> presences = e.getValue();
            JsonNode first = presences.get(0);
            Instant last = null;
            List<String> where = new ArrayList<>();
            for (JsonNode p : presences) {
                Instant at = Instant.parse(p.path("scannedAt").asText());
                last = last == null || at.isAfter(last) ? at : last;
                int companions = p.path("companions").asInt(0);
                where.add(Exports.text(p, "venueName") + ", " + TIME.format(at.atZone(zone))
                        + (companions > 0 ? " (+" + companions + ")" : ""));
            }
            String[] name = splitName(Exports.text(first, "name"));
            String description = "entrylog: " + String.join("; ", where) + "; visitor " + e.getKey();
            csv.row(java.util.Arrays.asList(caseRef, disease, last == null ? null : dates.format(last.atZone(zone)),
                    description, name[0], name[1], phones.forSpreadsheet(Exports.text(first, "phone"))));
        }
        return Csv.BOM + csv;
    }

    /**
     * {@code {firstName, lastName}} as SORMAS wants them (it requires both), from the one name a visitor
     * gave. A Hangul name has the family name first: {@code 김민준} → {@code {"민준", "김"}}; its first
     * syllable (the first two for a four-syllable name beginning with 남궁, 황보, 제갈, 사공, 선우, 서문,
     * 독고 or 동방), or its first word when written with a space. Any other name with a space has the
     * family name last: {@code Anna Maria Schmidt} → {@code {"Anna Maria", "Schmidt"}}. A name that cannot
     * be split (one word, one syllable) goes whole into {@code lastName}, and SORMAS will ask for a first
     * name on import rather than receive a guess.
     */
    public static String[] splitName(String name) {
        if (name == null || name.isBlank()) {
            return new String[] {null, null};
        }
        String n = name.strip().replaceAll("\\s+", " ");
        int space = n.indexOf(' ');
        if (isHangul(n.replace(" ", ""))) {
            if (space > 0) {
                return new String[] {n.substring(space + 1), n.substring(0, space)};
            }
            int cut = n.length() >= 4 && COMPOUND_SURNAMES.contains(n.substring(0, 2)) ? 2 : 1;
            return n.length() > cut ? new String[] {n.substring(cut), n.substring(0, cut)} : new String[] {null, n};
        }
        int lastSpace = n.lastIndexOf(' ');
        return lastSpace > 0 ? new String[] {n.substring(0, lastSpace), n.substring(lastSpace + 1)} : new String[] {null, n};
    }

    private static boolean isHangul(String s) {
        return !s.isEmpty() && s.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HANGUL);
    }
}
