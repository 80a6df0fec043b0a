package org.entrylog.official;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.entrylog.common.ApiException;
import org.entrylog.common.Ids;
import org.entrylog.common.Json;
import org.entrylog.common.Text;
import org.entrylog.notice.Notices;
import org.entrylog.store.Database;
import org.entrylog.web.Http;
import org.entrylog.web.Principal;

/**
 * {@code POST /api/notices}: an official sends exposure notices to contacts of a traced case
 * (docs/design.md, Exposure notices; docs/threat-model.md T46).
 *
 * <p>A notice reaches only visitors that a trace under the same {@code caseRef} returned as
 * contacts — traced by any official, as with venue lists (a case is worked by a team) — and only
 * while the visit it refers to is held. If any id named is not such a contact, nothing is sent
 * (403). Contacts outside the sender's regions may be notified: a notice unseals nothing and tells
 * the official nothing new, it only lets the visitor know.
 *
 * <p>Audited through {@link OfficialController}'s frame: the entry names the case, the level, how
 * many visitors and notices, and lists the visitors, so each sees the sending among the accesses on
 * their own page; the notices are written in the same transaction as that entry.
 */
public final class NoticeController {
    private static final Set<String> FIELDS = Set.of("caseRef", "visitorIds", "level", "message");
    /** Visitors one request may notify (a trace's contacts at one busy venue fit; more is sent in parts). */
    public static final int MAX_VISITORS = 500;
    /** A notice's message: short plain text, shown as text on the visitor's page. */
    public static final int MAX_MESSAGE = 280;

    /** {@code POST /api/notices} → 201: how many notices were written (one per contact presence). */
    public record Sent(int sent) {}

    private final OfficialController officials;
    private final Database db;
    private final Clock clock;
    private final int maxBody;

    public NoticeController(OfficialController officials, Database db, Clock clock, int maxBody) {
        this.officials = officials;
        this.db = db;
        this.clock = clock;
        this.maxBody = maxBody;
    }

    public void send(Context ctx) {
        officials.audited(ctx, "POST /api/notices", a -> {
            Sessions.Session s = Principal.of(ctx, OfficialPrincipal.class).session();
            a.signedIn(s);
            ObjectNode body = Json.object(Http.body(ctx, maxBody), FIELDS);
            JsonNode ref = body.get("caseRef");
            a.caseRef = OfficialController.caseRef(a, ref != null && ref.isTextual() ? ref.textValue() : null);
            String levelText = Json.string(body, "level", true);
            Notices.Level level = Notices.Level.of(levelText);
            a.query.put("level", level == null ? "<invalid>" : level.wire());
            if (level == null) {
                throw ApiException.badRequest("'level' must be \"test\" or \"isolate\".");
            }
            String message = Json.string(body, "message", false);
            if (message != null) {
                message = Text.require("message", message, MAX_MESSAGE);
                a.query.put("messageChars", message.codePointCount(0, message.length()));
            }
            List<byte[]> visitors = visitorIds(body.get("visitorIds"));
            a.query.put("visitors", visitors.size());
            long now = clock.millis();
            long notBefore = officials.retentionCutoff();
            String caseRef = a.caseRef;
            List<List<TraceReach.ContactVisit>> overlaps = db.read(c -> {
                List<List<TraceReach.ContactVisit>> out = new ArrayList<>();
                for (byte[] v : visitors) {
                    List<TraceReach.ContactVisit> found = TraceReach.contactVisits(c, caseRef, v, notBefore);
                    if (found.isEmpty()) {
                        throw ApiException.forbidden("'" + Ids.encode(v) + "' is not a contact that a trace of case "
                                + caseRef + " returned: a notice reaches only those. Nothing was sent.");
                    }
                    out.add(found);
                }
                return out;
            });
            int notices = overlaps.stream().mapToInt(List::size).sum();
            a.query.put("notices", notices);
            a.visitorIds = visitors;
            String sender = s.username();
            String text = message;
            a.onAllowed.add(c -> {
                for (int i = 0; i < visitors.size(); i++) {
                    for (TraceReach.ContactVisit o : overlaps.get(i)) {
                        Notices.insert(c, Ids.newId(), visitors.get(i), o.venue(), o.visitAt(), caseRef, level, text,
                                now, sender);
                    }
                }
                return null;
            });
            return new OfficialController.Reply(201, new Sent(notices), null);
        });
    }

    /** The visitor ids: a non-empty array of at most {@link #MAX_VISITORS} distinct visitor ids. */
    private static List<byte[]> visitorIds(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("'visitorIds' is required.");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("'visitorIds' must be a non-empty array of visitor ids.");
        }
        if (node.size() > MAX_VISITORS) {
            throw ApiException.badRequest("'visitorIds' holds more than " + MAX_VISITORS + " ids; send them in parts.");
        }
        List<byte[]> out = new ArrayList<>(node.size());
        Set<String> seen = new HashSet<>();
        for (JsonNode n : node) {
            byte[] id = n.isTextual() ? Ids.decode(n.textValue(), 16) : null;
            if (id == null) {
                throw ApiException.badRequest("'visitorIds' holds something that is not a visitor id.");
            }
            if (!seen.add(n.textValue())) {
                throw ApiException.badRequest("'visitorIds' names a visitor more than once.");
            }
            out.add(id);
        }
        return out;
    }
}
