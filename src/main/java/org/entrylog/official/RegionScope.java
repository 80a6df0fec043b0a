package org.entrylog.official;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.entrylog.common.RegionCode;

/**
 * The regions an official sees identities and venue lists in (docs/design.md, Regions). Empty is
 * national: every venue, whether or not it has a region. A regional official's scope is exactly
 * their regions: a venue with no region lies in none of them, so it is closed to them (fail closed:
 * an operator who forgets {@code --region} does not open a venue to every regional office).
 *
 * <p>Defends against an official reading the identities of people far outside their office's
 * jurisdiction under a case of their own (docs/threat-model.md T28).
 */
public record RegionScope(Set<String> regions) {
    public static final RegionScope NATIONAL = new RegionScope(Set.of());

    public RegionScope {
        regions = Set.copyOf(new TreeSet<>(regions));
    }

    /** Parses {@code KR-41,KR-11} (as stored and as {@code official add --regions} takes it); null or blank is national. */
    public static RegionScope parse(String list) {
        if (list == null || list.isBlank()) {
            return NATIONAL;
        }
        Set<String> s = new TreeSet<>();
        for (String part : list.split(",")) {
            s.add(RegionCode.require(part));
        }
        return new RegionScope(s);
    }

    public boolean national() {
        return regions.isEmpty();
    }

    /** Whether a venue in {@code venueRegion} (null: none) is inside this scope. */
    public boolean covers(String venueRegion) {
        return national() || venueRegion != null && regions.contains(venueRegion);
    }

    /** The regions, sorted, as the API lists them (empty: national). */
    public List<String> sorted() {
        return List.copyOf(new TreeSet<>(regions));
    }

    /** As stored in {@code official.regions}: null when national. */
    String stored() {
        return national() ? null : String.join(",", sorted());
    }
}
