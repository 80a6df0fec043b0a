package org.entrylog.official;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.entrylog.common.Json;
import org.entrylog.audit.AuditLog;
import org.entrylog.store.WriteQueue;
import org.entrylog.web.ErrorMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit of official requests refused for want of a live session, one burst per client address
 * (docs/threat-model.md T42). Every such request used to write its own {@code audit_log} row, kept
 * a year: 300 anonymous requests in 11 s wrote 300 rows (issue 14 item 7).
 *
 * <p>The first refusal of an address is written at once, before its answer leaves, exactly as
 * before. Later refusals of that address within {@link #WINDOW} of it are counted, not written; when
 * the window has passed, the count is written as one more entry: {@code query} holds
 * {@code {"repeated":N,"from","to","actions":{route:n…},"statuses":{status:n…}}}, its
 * {@code status} and {@code error} are those of the last refusal counted. The window is closed by
 * the next refusal of that address after it, by {@link #closeDue} (run every minute by the server),
 * at shutdown by {@link #closeAll}, and when more than {@link #MAX_ADDRESSES} addresses are open,
 * the oldest. So nothing is dropped: a burst costs at most two rows, and only a crash of the
 * server loses the count of one window (its first row is already durable). The entries go through
 * the chain like any other; the address itself is not recorded (it is personal data), and no
 * visitor is touched.
 */
public final class AnonymousRefusals {
    private static final Logger LOG = LoggerFactory.getLogger(AnonymousRefusals.class);
    /** How long after an address's first refusal its later ones are only counted. */
    public static final Duration WINDOW = Duration.ofMinutes(10);
    /** Open bursts held at most; beyond, the oldest is closed (written) to make room. */
    static final int MAX_ADDRESSES = 10_000;

    /** The refusals of one address counted after its first, within the window. */
    private static final class Burst {
        final long firstAt;
        long fromAt;
        long lastAt;
        int repeated;
        int lastStatus;
        String lastError;
        final Map<String, Integer> actions = new TreeMap<>();
        final Map<String, Integer> statuses = new TreeMap<>();

        Burst(long firstAt) {
            this.firstAt = firstAt;
        }

        void count(String action, int status, String error, long at) {
            if (repeated == 0) {
                fromAt = at;
            }
            repeated++;
            lastAt = at;
            lastStatus = status;
            lastError = error;
            actions.merge(action, 1, Integer::sum);
            statuses.merge(Integer.toString(status), 1, Integer::sum);
        }
    }

    private final AuditRecorder audit;
    private final WriteQueue writes;
    private final Clock clock;
    /** Open bursts by client address, oldest first. Guarded by {@code this}. */
    private final LinkedHashMap<String, Burst> bursts = new LinkedHashMap<>();

    public AnonymousRefusals(WriteQueue writes, Sessions sessions, Clock clock) {
        this.audit = new AuditRecorder(writes, sessions, clock);
        this.writes = writes;
        this.clock = clock;
    }

    /**
     * Audits the refusal {@code e} of request {@code a} from {@code address}: written now if it is
     * the first of its address's window (503 if it cannot be), else counted.
     */
    void refused(Audit a, RuntimeException e, String address) {
        ErrorMapper.Answer answer = ErrorMapper.of(e);
        long now = clock.millis();
        List<Burst> toClose = new ArrayList<>(2);
        boolean first;
        synchronized (this) {
            Burst b = bursts.get(address);
            if (b != null && now - b.firstAt >= WINDOW.toMillis()) {
                toClose.add(bursts.remove(address));
                b = null;
            }
            first = b == null;
            if (first) {
                if (bursts.size() >= MAX_ADDRESSES) {
                    Iterator<Burst> oldest = bursts.values().iterator();
                    toClose.add(oldest.next());
                    oldest.remove();
                }
                bursts.put(address, new Burst(now));
            } else {
                b.count(a.action, answer.status(), answer.code(), now);
            }
        }
        toClose.forEach(this::write);
        if (first) {
            audit.record(a, answer.status(), answer.code());
        }
    }

    /** Writes the count of every burst whose window has passed. */
    public void closeDue() {
        long now = clock.millis();
        List<Burst> due = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Burst> it = bursts.values().iterator(); it.hasNext(); ) {
                Burst b = it.next();
                if (now - b.firstAt < WINDOW.toMillis()) {
                    break; // oldest first: the rest are younger
                }
                due.add(b);
                it.remove();
            }
        }
        due.forEach(this::write);
    }

    /** Writes the count of every open burst (at shutdown, before the write queue closes). */
    public void closeAll() {
        List<Burst> all;
        synchronized (this) {
            all = new ArrayList<>(bursts.values());
            bursts.clear();
        }
        all.forEach(this::write);
    }

    private void write(Burst b) {
        if (b.repeated == 0) {
            return; // a lone refusal: its one row is already written
        }
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("repeated", b.repeated);
        query.put("from", Instant.ofEpochMilli(b.fromAt).toString());
        query.put("to", Instant.ofEpochMilli(b.lastAt).toString());
        query.put("actions", b.actions);
        query.put("statuses", b.statuses);
        String action = b.actions.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        AuditLog.Entry entry = new AuditLog.Entry(clock.millis(), null, action, null, Json.write(query), "json",
                b.lastStatus, b.lastError, List.of());
        try {
            writes.execute(c -> AuditLog.append(c, entry));
        } catch (RuntimeException e) {
            LOG.error("could not write the audit entry counting {} refused anonymous requests: {}", b.repeated,
                    e.getMessage());
        }
    }
}
