package org.entrylog.official;

import java.sql.Connection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.entrylog.common.ApiException;
import org.entrylog.common.Json;
import org.entrylog.audit.AuditLog;
import org.entrylog.store.WriteQueue;
import org.entrylog.web.ErrorMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the audit entry of every official request, allowed or refused, before its answer leaves;
 * used by the controller for what it answers and by the OFFICIAL authenticator for what it refuses.
 */
final class AuditRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(AuditRecorder.class);

    private final WriteQueue writes;
    private final Sessions sessions;
    private final Clock clock;

    AuditRecorder(WriteQueue writes, Sessions sessions, Clock clock) {
        this.writes = writes;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Records a request refused by {@code e}, with the status and code the official is answered. */
    void refused(Audit a, RuntimeException e) {
        ErrorMapper.Answer refusal = ErrorMapper.of(e);
        record(a, refusal.status(), refusal.code());
    }

    /** Appends the audit entry (and touches or ends the session) in one durable write; 503 if it cannot. */
    void record(Audit a, int status, String error) {
        long now = clock.millis();
        List<byte[]> ids = status < 300 ? a.visitorIds : new ArrayList<>();
        AuditLog.Entry entry = new AuditLog.Entry(now, a.official, a.action, a.caseRef, Json.write(a.query), a.format,
                status, error, ids);
        try {
            writes.execute((Connection c) -> {
                AuditLog.append(c, entry);
                if (status < 300) {
                    for (WriteQueue.Task<?> task : a.onAllowed) {
                        task.run(c);
                    }
                }
                if (a.session != null) {
                    if (a.logout) {
                        sessions.end(c, a.session, now);
                    } else {
                        sessions.touch(c, a.session, now);
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.error("could not write the audit entry for {}: {}", a.action, e.getMessage());
            throw ApiException.unavailable("The request could not be audited, so it was not carried out. Try again.");
        }
    }
}
