package org.entrylog.official;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.store.WriteQueue;
import org.entrylog.visitor.PhoneHasher;
import org.entrylog.visitor.PhoneNumbers;
import org.entrylog.web.ClientAddress;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;
import org.entrylog.common.Json;

/**
 * The official endpoints: {@code POST /api/sessions}, {@code DELETE /api/sessions/current},
 * {@code GET /api/venues/{venueId}/visits} and {@code POST /api/traces}.
 *
 * <p>Every request to them, allowed or refused, becomes an {@code audit_log} entry, written and
 * committed <em>before</em> the answer leaves: if the audit cannot be written, the official gets
 * 503 and no data (an unaudited read must not happen). Parameters are recorded only for signed-in
 * officials (an anonymous caller cannot fill the audit log with text of its choosing), bounded in
 * length, and a phone number only as its keyed hash.
 *
 * <p>Requests refused before they get here, for want of a live session, are audited by the
 * OFFICIAL role's authenticator ({@link OfficialPrincipal#authenticator}); the handlers read the
 * signed-in official it found.
 */
public final class OfficialController {
    private static final Set<String> LOGIN_FIELDS = Set.of("username", "password", "totp");
    private static final Set<String> TRACE_FIELDS = Set.of("phone", "from", "to", "windowMinutes", "caseRef");
    private static final Set<String> VISITS_PARAMS = Set.of("from", "to", "caseRef");
    /**
     * A case reference: 3–64 ASCII letters, digits and {@code . _ : / # -}, starting with a letter or
     * digit and holding at least one digit (such as {@code KDCA-2026-000123}). Narrow on purpose:
     * it is shown to visitors and kept in the audit log for a year, so it must not be a place for
     * a patient's name, and it must be harmless in a spreadsheet cell.
     */
    static final Pattern CASE_REF = Pattern.compile("(?=.*[0-9])[A-Za-z0-9][A-Za-z0-9._:/#-]{2,63}");
    public static final int MIN_WINDOW_MINUTES = 1;
    public static final int MAX_WINDOW_MINUTES = 24 * 60;
    /** {@code to} may lie a little in the future (an official asking "until now"), not further. */
    static final Duration FUTURE_SLACK = Duration.ofDays(1);

    private final Sessions sessions;
    private final TraceService traces;
    private final PhoneNumbers phones;
    private final PhoneHasher phoneHasher;
    private final AuditRecorder audit;
    private final Clock clock;
    private final int retentionDays;
    private final int maxBody;
    private final ClientAddress address;
    private final VenueListRule venueLists;

    public OfficialController(Sessions sessions, TraceService traces, PhoneNumbers phones, PhoneHasher phoneHasher,
                              WriteQueue writes, Clock clock, int retentionDays, int maxBody, ClientAddress address,
                              VenueListRule venueLists) {
        this.sessions = sessions;
        this.traces = traces;
        this.phones = phones;
        this.phoneHasher = phoneHasher;
        this.audit = new AuditRecorder(writes, sessions, clock);
        this.clock = clock;
        this.retentionDays = retentionDays;
        this.maxBody = maxBody;
        this.address = address;
        this.venueLists = venueLists;
    }

    /** A successful answer, sent after its audit entry is durable. */
    record Reply(int status, Object json, String csv) {}

    @FunctionalInterface
    interface Handler {
        Reply handle(Audit a);
    }

    // ---- sessions ----

    public void login(Context ctx) {
        audited(ctx, "POST /api/sessions", a -> {
            ObjectNode body = Json.object(Http.body(ctx, maxBody), LOGIN_FIELDS);
            String username = Json.string(body, "username", true);
            String password = Json.string(body, "password", true);
            String totp = Json.string(body, "totp", false); // missing: the same 401 as a wrong code, in Sessions
            try {
                Sessions.Login login = sessions.login(username, password, totp, address.of(ctx));
                a.official = login.username();
                ctx.header("Cache-Control", "no-store");
                return new Reply(201, Json.obj("token", login.token(), "expiresAt", login.expiresAt().toString()), null);
            } catch (Sessions.LoginRefused e) {
                a.official = e.knownUsername();
                throw e;
            }
        });
    }

    public void logout(Context ctx) {
        audited(ctx, "DELETE /api/sessions/current", a -> {
            a.signedIn(Principal.of(ctx, OfficialPrincipal.class).session());
            a.logout = true;
            return new Reply(204, null, null);
        });
    }

    // ---- queries ----

    public void venueVisits(Context ctx) {
        audited(ctx, "GET /api/venues/{venueId}/visits", a -> {
            a.signedIn(Principal.of(ctx, OfficialPrincipal.class).session());
            String venueIdText = ctx.pathParam("venueId");
            byte[] venueId = Ids.decode(venueIdText, 16);
            a.query.put("venueId", venueId == null ? "<invalid>" : venueIdText);
            Map<String, List<String>> params = ctx.queryParamMap();
            for (var p : params.entrySet()) {
                if (!VISITS_PARAMS.contains(p.getKey())) {
                    throw ApiException.badRequest("Unknown parameter '" + bounded(p.getKey()) + "'.");
                }
                if (p.getValue().size() != 1) {
                    throw ApiException.badRequest("'" + bounded(p.getKey()) + "' is given more than once.");
                }
            }
            a.caseRef = caseRef(a, ctx.queryParam("caseRef"));
            String fromText = ctx.queryParam("from");
            String toText = ctx.queryParam("to");
            a.query.put("from", bounded(fromText));
            a.query.put("to", bounded(toText));
            long[] window = window(fromText, toText);
            if (venueId == null) {
                throw ApiException.notFound();
            }
            venueLists.require(a.session, venueId, a.caseRef, window[0], window[1], retentionCutoff());
            TraceService.Answer<?> answer = traces.venueVisits(venueId, window[0], window[1]);
            a.visitorIds = answer.visitorIds();
            return reply(a, answer);
        });
    }

    public void trace(Context ctx) {
        audited(ctx, "POST /api/traces", a -> {
            a.signedIn(Principal.of(ctx, OfficialPrincipal.class).session());
            ObjectNode body = Json.object(Http.body(ctx, maxBody), TRACE_FIELDS);
            a.caseRef = caseRef(a, body.get("caseRef") != null && body.get("caseRef").isTextual()
                    ? body.get("caseRef").textValue() : null);
            String phone = Json.string(body, "phone", true);
            String e164 = phones.normalise(phone).orElse(null);
            byte[] phoneHash = e164 == null ? null : phoneHasher.hash(e164);
            a.query.put("phoneHash", phoneHash == null ? "<invalid>" : HexFormat.of().formatHex(phoneHash));
            JsonNode from = body.get("from");
            JsonNode to = body.get("to");
            JsonNode w = body.get("windowMinutes");
            a.query.put("from", from != null && from.isTextual() ? bounded(from.textValue()) : "<invalid>");
            a.query.put("to", to != null && to.isTextual() ? bounded(to.textValue()) : "<invalid>");
            a.query.put("windowMinutes", w != null && w.canConvertToInt() && w.isIntegralNumber() ? w.intValue() : "<invalid>");
            if (phoneHash == null) {
                throw ApiException.badRequest("'phone' is not a valid phone number.");
            }
            long[] window = window(Json.string(body, "from", true), Json.string(body, "to", true));
            if (w == null || w.isNull()) {
                throw ApiException.badRequest("'windowMinutes' is required.");
            }
            if (!w.isIntegralNumber() || !w.canConvertToInt() || w.intValue() < MIN_WINDOW_MINUTES
                    || w.intValue() > MAX_WINDOW_MINUTES) {
                throw ApiException.badRequest("'windowMinutes' must be a whole number from " + MIN_WINDOW_MINUTES
                        + " to " + MAX_WINDOW_MINUTES + ".");
            }
            long windowMillis = Duration.ofMinutes(w.intValue()).toMillis();
            TraceService.Answer<TraceAnswers.Trace> answer = traces.trace(a.caseRef, phoneHash, window[0], window[1],
                    windowMillis, retentionCutoff(), venueLists.scope(a.session));
            a.visitorIds = answer.visitorIds();
            // what this trace found, in force with its audit entry: the reach of venue lists under this caseRef
            String caseRef = a.caseRef;
            String official = a.official;
            long now = clock.millis();
            a.onAllowed.add(c -> {
                for (TraceAnswers.CaseVisit v : answer.body().visits()) {
                    TraceReach.record(c, caseRef, official, Ids.decode(v.venueId(), 16),
                            Instant.parse(v.scannedAt()).toEpochMilli(), windowMillis, now);
                }
                // and the contacts it returned: the only visitors a notice under this caseRef may reach
                for (TraceAnswers.Contact k : answer.body().contacts()) {
                    TraceReach.recordContact(c, caseRef, official, Ids.decode(k.visitorId(), 16),
                            Ids.decode(k.venueId(), 16), Instant.parse(k.scannedAt()).toEpochMilli(), now);
                }
                return null;
            });
            return reply(a, answer);
        });
    }

    private Reply reply(Audit a, TraceService.Answer<?> answer) {
        if ("csv".equals(a.format)) {
            return new Reply(200, null, Exports.csv(Json.MAPPER.valueToTree(answer.body()), phones));
        }
        return new Reply(200, answer.body(), null);
    }

    // ---- checks ----

    static String caseRef(Audit a, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest("'caseRef' is required: every query names the case it is for.");
        }
        if (!CASE_REF.matcher(value).matches()) {
            a.query.put("caseRef", "<invalid>");
            throw ApiException.badRequest("'caseRef' must be 3-64 characters of A-Z, a-z, 0-9 and . _ : / # -, "
                    + "starting with a letter or digit and holding at least one digit (such as KDCA-2026-000123).");
        }
        return value;
    }

    /** Parses and checks [from, to]: both given, from ≤ to, from within the retention period. */
    long[] window(String fromText, String toText) {
        if (fromText == null || toText == null) {
            throw ApiException.badRequest("'from' and 'to' are required (ISO-8601 times).");
        }
        Instant from = Json.instant("from", fromText);
        Instant to = Json.instant("to", toText);
        if (from.isAfter(to)) {
            throw ApiException.badRequest("'from' is after 'to'.");
        }
        Instant now = clock.instant();
        if (from.toEpochMilli() < retentionCutoff()) {
            throw ApiException.forbidden("'from' lies outside the retention period of " + retentionDays
                    + " days: nothing older than " + Instant.ofEpochMilli(retentionCutoff()) + " may be queried.");
        }
        if (to.isAfter(now.plus(FUTURE_SLACK))) {
            throw ApiException.badRequest("'to' lies more than a day in the future.");
        }
        return new long[] {from.toEpochMilli(), to.toEpochMilli()};
    }

    long retentionCutoff() {
        return clock.millis() - Duration.ofDays(retentionDays).toMillis();
    }

    /** A parameter as kept in the audit log: printable ASCII of at most 40 characters, else a marker. */
    static String bounded(String v) {
        if (v == null) {
            return null;
        }
        if (v.length() > 40 || !v.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F)) {
            return "<invalid>";
        }
        return v;
    }

    // ---- the audit around every request ----

    void audited(Context ctx, String action, Handler handler) {
        Audit a = new Audit(ctx, action);
        Reply reply;
        try {
            reply = handler.handle(a);
        } catch (RuntimeException e) {
            audit.refused(a, e);
            throw e;
        }
        audit.record(a, reply.status(), null);
        if (reply.csv() != null) {
            ctx.status(reply.status()).contentType("text/csv; charset=utf-8")
                    .header("Content-Disposition", "attachment; filename=\"entrylog-export.csv\"")
                    .result(reply.csv());
        } else if (reply.json() != null) {
            Http.json(ctx, reply.status(), reply.json());
        } else {
            ctx.status(reply.status());
        }
    }
}
