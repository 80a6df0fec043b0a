package org.entrylog.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A storage failure, carrying no HTTP status. Those a client can wait out (busy, full disk, I/O)
 * are {@link StoreUnavailable}; the web edge answers every storage failure 503 {@code unavailable}
 * with {@code Retry-After}, never a 2xx for a write that did not happen (docs/threat-model.md T23, T24).
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For failures expected under load, which need no stack trace. */
    protected StoreException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }

    public static StoreException from(SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            String name = code == null ? "" : code.name();
            if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                return new StoreUnavailable("The database is busy; try again shortly.");
            }
            if (name.startsWith("SQLITE_FULL") || name.startsWith("SQLITE_IOERR") || name.startsWith("SQLITE_READONLY")) {
                return new StoreUnavailable("The server cannot write right now; try again shortly.");
            }
        } else if (e.getSQLState() != null) {
            // PostgreSQL: lost connection (08), lock not granted in time or deadlock (55P03, 40P01),
            // serialization (40001), full disk or out of resources (53), the standby being read-only
            // after a failover not yet done (25006), the server shutting down (57P)
            String state = e.getSQLState();
            if (state.startsWith("08") || state.equals("55P03") || state.startsWith("40") || state.startsWith("53")
                    || state.equals("25006") || state.startsWith("57P")) {
                return new StoreUnavailable("The database cannot take this right now; try again shortly.");
            }
        }
        return new StoreException("database error: " + e.getMessage(), e);
    }
}
