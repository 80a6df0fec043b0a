package org.entrylog.store;

import java.sql.SQLException;
import org.entrylog.common.ApiException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A storage failure. Those a client can wait out (busy, full disk, I/O) become 503
 * {@code unavailable} with {@code Retry-After}; never a 2xx for a write that did not happen
 * (THREATS #23, #24).
 */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public static RuntimeException from(SQLException e) {
        if (e instanceof SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            String name = code == null ? "" : code.name();
            if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
                return ApiException.unavailable("The database is busy; try again shortly.");
            }
            if (name.startsWith("SQLITE_FULL") || name.startsWith("SQLITE_IOERR") || name.startsWith("SQLITE_READONLY")) {
                return ApiException.unavailable("The server cannot write right now; try again shortly.");
            }
        }
        return new StoreException("database error: " + e.getMessage(), e);
    }
}
