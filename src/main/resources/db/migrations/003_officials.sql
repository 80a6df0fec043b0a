-- Health officials: accounts, sessions, and the append-only, hash-chained audit of every request
-- they make. Times are INTEGER milliseconds since the Unix epoch, UTC.

-- A health official's account, made with `official add` and switched off with `official disable`.
CREATE TABLE official (
    id             INTEGER PRIMARY KEY,                 -- internal key
    username       TEXT    NOT NULL UNIQUE,             -- sign-in name, as given to `official add`
    password_hash  TEXT    NOT NULL,                    -- Argon2id in PHC form: $argon2id$v=19$m=…,t=…,p=…$salt$hash
    created_at     INTEGER NOT NULL,                    -- when the account was made
    disabled_at    INTEGER                              -- set by `official disable`; a disabled official is refused at the next request
) STRICT;

-- A signed-in session. The bearer token is 256 random bits and only its SHA-256 is kept.
CREATE TABLE official_session (
    token_hash    BLOB    PRIMARY KEY CHECK (length(token_hash) = 32), -- SHA-256 of the bearer token
    official_id   INTEGER NOT NULL REFERENCES official(id),            -- whose session
    created_at    INTEGER NOT NULL,                     -- sign-in time
    last_used_at  INTEGER NOT NULL,                     -- last request (idle expiry counts from here)
    expires_at    INTEGER NOT NULL,                     -- absolute expiry, whatever the activity
    ended_at      INTEGER                               -- logout or `official disable`; an ended session is refused
) STRICT, WITHOUT ROWID;
CREATE INDEX official_session_official ON official_session(official_id);
CREATE INDEX official_session_expiry ON official_session(expires_at);

-- Every request to an official endpoint, allowed or refused. Hash-chained like scan_log and
-- holding no readable personal data: the phone of a trace only as its keyed hash, visitors only
-- by their pseudonymous ids. AUTOINCREMENT so that a position is never reused, even after a purge
-- emptied the table: the chain stays checkable across purges.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,     -- position in the chain
    at           INTEGER NOT NULL,                      -- when the request was answered
    official     TEXT,                                  -- username of the signed-in official; NULL when not signed in
    action       TEXT    NOT NULL,                      -- method and route, e.g. 'POST /api/traces'
    case_ref     TEXT,                                  -- the case reference given (NULL when missing or invalid)
    query        TEXT    NOT NULL,                      -- JSON of the other parameters; a phone only as 'phoneHash' (hex HMAC)
    format       TEXT    NOT NULL CHECK (format IN ('json', 'csv')), -- 'csv' marks an export
    status       INTEGER NOT NULL,                      -- HTTP status answered
    error        TEXT,                                  -- error code answered, NULL on success
    visitor_ids  TEXT    NOT NULL,                      -- JSON array of the visitorIds the answer contained
    prev_hash    BLOB    NOT NULL CHECK (length(prev_hash) = 32) -- SHA-256 over all columns of the previous row (zeros for the first)
) STRICT;
CREATE INDEX audit_log_time ON audit_log(at);

-- Which visitors each audited answer returned, so a visitor's history finds the accesses to them
-- by index. Mirrors audit_log.visitor_ids (which the chain covers; `verify` cross-checks them).
-- Keyed by the visitor's public id, never the internal key, which SQLite may reuse after a purge.
CREATE TABLE audit_access (
    visitor    BLOB    NOT NULL,                        -- visitor.public_id (16 bytes) returned by the answer
    audit_seq  INTEGER NOT NULL REFERENCES audit_log(seq), -- the audit entry
    PRIMARY KEY (visitor, audit_seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX audit_access_seq ON audit_access(audit_seq);

INSERT INTO chain_head(log, entries, head) VALUES ('audit_log', 0, zeroblob(32));

-- The audit cut-off of a purge: audit entries strictly older go. Audit entries are kept longer
-- (ENTRYLOG_AUDIT_RETENTION_DAYS) than scans, so a purge carries two cut-offs.
ALTER TABLE purge ADD COLUMN audit_cutoff INTEGER;
-- audit_log rows the purge deleted.
ALTER TABLE purge ADD COLUMN purged_audit INTEGER;

-- An audit cut-off, once set on an open purge, cannot be moved (so no one widens a purge in progress).
CREATE TRIGGER purge_audit_cutoff_once BEFORE UPDATE OF audit_cutoff ON purge
WHEN OLD.audit_cutoff IS NOT NULL AND NEW.audit_cutoff IS NOT OLD.audit_cutoff
BEGIN
    SELECT RAISE(ABORT, 'the audit cut-off of a purge is set once');
END;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_delete_only_expired BEFORE DELETE ON audit_log
WHEN NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND audit_cutoff IS NOT NULL AND OLD.at < audit_cutoff)
BEGIN
    SELECT RAISE(ABORT, 'audit_log rows are deleted only by a retention purge, and only when older than its audit cut-off');
END;

CREATE TRIGGER audit_access_no_update BEFORE UPDATE ON audit_access
BEGIN
    SELECT RAISE(ABORT, 'audit_access is append-only');
END;

CREATE TRIGGER audit_access_delete_only_expired BEFORE DELETE ON audit_access
WHEN NOT EXISTS (SELECT 1 FROM purge p JOIN audit_log a ON a.seq = OLD.audit_seq
                 WHERE p.finished_at IS NULL AND p.audit_cutoff IS NOT NULL AND a.at < p.audit_cutoff)
BEGIN
    SELECT RAISE(ABORT, 'audit_access rows go only with their audit entry, in a retention purge');
END;
