package org.entrylog.store;

/**
 * A storage failure the client can wait out: the database is busy or locked, the disk is full,
 * an I/O error, a write that did not get its turn in time, a server shutting down. Nothing was
 * written. The message is for the client; the web edge answers it 503 {@code unavailable} with
 * {@code Retry-After}, never a 2xx for a write that did not happen (docs/threat-model.md T23, T24).
 */
public class StoreUnavailable extends StoreException {
    public StoreUnavailable(String message) {
        super(message, false); // a refusal under load, as common as a 429: no stack trace to fill
    }
}
