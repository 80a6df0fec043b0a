package org.entrylog.scan;

/**
 * How an entry came in: a scanned pass, a manual entry for a visitor without a phone, or a printed
 * card (a pass or its typed number).
 */
public enum Source {
    PASS(0), MANUAL(1), CARD(2);

    private final int code;

    Source(int code) {
        this.code = code;
    }

    /** The stored value (and the value hashed into the chain). */
    public int code() {
        return code;
    }
}
