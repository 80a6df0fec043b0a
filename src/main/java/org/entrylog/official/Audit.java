package org.entrylog.official;

import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.entrylog.store.WriteQueue;

/** What is known about an official request so far, for its audit entry. */
final class Audit {
    /** The actions that may answer CSV; the others are recorded as JSON whatever was asked. */
    private static final Set<String> CSV_ACTIONS = Set.of("GET /api/venues/{venueId}/visits", "POST /api/traces");

    final String action;
    final String format;
    Sessions.Session session;
    String official;
    String caseRef;
    final Map<String, Object> query = new LinkedHashMap<>();
    List<byte[]> visitorIds = List.of();
    boolean logout;
    /**
     * Writes that take effect only with an allowed request's audit entry, in its transaction (what a
     * trace found, an approval or its grant): nothing is in force that the audit log does not show.
     */
    final List<WriteQueue.Task<?>> onAllowed = new ArrayList<>();

    /** A request for {@code action} (its method and route, such as {@code POST /api/traces}). */
    Audit(Context ctx, String action) {
        this.action = action;
        this.format = CSV_ACTIONS.contains(action) && wantsCsv(ctx) ? "csv" : "json";
    }

    void signedIn(Sessions.Session s) {
        session = s;
        official = s.username();
    }

    static boolean wantsCsv(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/csv");
    }
}
