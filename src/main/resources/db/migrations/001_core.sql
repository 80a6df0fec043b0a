-- entrylog core schema. Times are INTEGER milliseconds since the Unix epoch, UTC.
-- Ids that leave the server are 16 random bytes (shown as base64url); rows refer to each other
-- by INTEGER keys to keep every scan small.

-- A venue that keeps a register.
CREATE TABLE venue (
    id                    INTEGER PRIMARY KEY,           -- internal key
    public_id             BLOB    NOT NULL UNIQUE,       -- 16 random bytes, the venueId
    name                  TEXT    NOT NULL,              -- shown to staff and visitors
    address               TEXT,                          -- optional postal address
    enrollment_code_hash  BLOB    NOT NULL UNIQUE,       -- SHA-256 of the enrollment code; the code itself is never stored
    created_at            INTEGER NOT NULL               -- when the venue was added
) STRICT;

-- A staff tablet enrolled to one venue.
CREATE TABLE device (
    id           INTEGER PRIMARY KEY,                   -- internal key
    public_id    BLOB    NOT NULL UNIQUE,               -- 16 random bytes, the deviceId
    venue_id     INTEGER NOT NULL REFERENCES venue(id), -- the venue it scans for
    secret_hash  BLOB    NOT NULL UNIQUE,               -- SHA-256 of the device's bearer secret
    enrolled_at  INTEGER NOT NULL,                      -- when the code was traded in
    revoked_at   INTEGER                                -- set by `device revoke`; a revoked device is refused
) STRICT;

-- A registered (or manually entered) visitor. Holds no readable name or phone number.
CREATE TABLE visitor (
    id               INTEGER PRIMARY KEY,               -- internal key
    public_id        BLOB    NOT NULL UNIQUE,           -- 16 random bytes, the pseudonymous visitorId
    sealed_identity  BLOB    NOT NULL,                  -- HPKE enc || ciphertext of {"name","phone"}, openable only by the health authority
    phone_hash       BLOB    NOT NULL,                  -- HMAC-SHA256(server secret, E.164 phone), to find a case by phone
    secret_hash      BLOB,                              -- SHA-256 of the visitor's bearer secret; NULL for manual entries
    created_at       INTEGER NOT NULL,                  -- registration time
    last_active_at   INTEGER NOT NULL                   -- last registration, pass or visit (hour granularity); retention keys off it
) STRICT;
CREATE INDEX visitor_phone ON visitor(phone_hash);
CREATE INDEX visitor_last_active ON visitor(last_active_at);

-- Retention purges. A purge row is written before anything is deleted, and closed when it ends;
-- the delete triggers below consult the open purge, so the database itself refuses to delete any
-- row younger than a recorded cut-off.
CREATE TABLE purge (
    id              INTEGER PRIMARY KEY,                -- purge number
    as_of           INTEGER NOT NULL,                   -- the instant the purge was run as of (may be in the future: recorded)
    cutoff          INTEGER NOT NULL,                   -- as_of minus the retention period; rows strictly older go
    started_at      INTEGER NOT NULL,                   -- wall-clock start
    finished_at     INTEGER,                            -- wall-clock end; NULL while in progress
    purged_scans    INTEGER,                            -- rows of scan_log deleted
    purged_visitors INTEGER                             -- visitor identities destroyed
) STRICT;

-- The append-only, hash-chained register of scans.
CREATE TABLE scan_log (
    seq          INTEGER PRIMARY KEY,                   -- position in the chain
    scan_id      BLOB    NOT NULL,                      -- 16 random bytes, the scanId
    venue_id     INTEGER NOT NULL,                      -- venue.id
    device_id    INTEGER NOT NULL,                      -- device.id that scanned it
    visitor_id   INTEGER NOT NULL,                      -- visitor.id
    scanned_at   INTEGER NOT NULL,                      -- when the visit happened (tablet time unless overridden, see clock_flag)
    received_at  INTEGER NOT NULL,                      -- when the server received it
    device_time  INTEGER,                               -- the tablet's claimed time when it was overridden by the server's
    direction    INTEGER NOT NULL CHECK (direction IN (0, 1)),  -- 0 = in, 1 = out
    source       INTEGER NOT NULL CHECK (source IN (0, 1)),     -- 0 = pass, 1 = manual entry
    prev_hash    BLOB    NOT NULL CHECK (length(prev_hash) = 32) -- SHA-256 over all columns of the previous row (zeros for the first)
) STRICT;
CREATE INDEX scan_log_venue_time ON scan_log(venue_id, scanned_at);
CREATE INDEX scan_log_visitor_time ON scan_log(visitor_id, scanned_at);
CREATE INDEX scan_log_time ON scan_log(scanned_at);

-- Each pass token is used once: the primary key is what makes two racing tablets get one row.
CREATE TABLE token_use (
    token_id   BLOB    PRIMARY KEY,                     -- 16-byte token id from the pass
    venue_id   INTEGER NOT NULL,                        -- where it was used
    scan_seq   INTEGER NOT NULL,                        -- scan_log.seq it produced
    expires_at INTEGER NOT NULL                         -- pass expiry; the row only matters until then
) STRICT, WITHOUT ROWID;

-- Where each hash chain stands: total entries ever appended and the hash of the last one.
CREATE TABLE chain_head (
    log      TEXT    PRIMARY KEY,                       -- 'scan_log' or 'audit_log'
    entries  INTEGER NOT NULL,                          -- rows ever appended
    head     BLOB    NOT NULL                           -- hash of the newest row (what the next row's prev_hash will be)
) STRICT;
INSERT INTO chain_head(log, entries, head) VALUES ('scan_log', 0, zeroblob(32));

-- Places where a purge legitimately cut the chain: the first surviving row after deleted rows,
-- with the prev_hash it carries. Written by the purge that made the cut; `verify` accepts a break
-- in the chain only where such a row vouches for it.
CREATE TABLE chain_resume (
    log       TEXT    NOT NULL,                         -- 'scan_log' or 'audit_log'
    seq       INTEGER NOT NULL,                         -- the surviving row
    prev_hash BLOB    NOT NULL,                         -- its prev_hash (the hash of a purged row)
    purge_id  INTEGER NOT NULL REFERENCES purge(id),    -- the purge that made the cut
    PRIMARY KEY (log, seq)
) STRICT;

CREATE TRIGGER scan_log_no_update BEFORE UPDATE ON scan_log
BEGIN
    SELECT RAISE(ABORT, 'scan_log is append-only');
END;

CREATE TRIGGER scan_log_delete_only_expired BEFORE DELETE ON scan_log
WHEN NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND OLD.scanned_at < cutoff)
BEGIN
    SELECT RAISE(ABORT, 'scan_log rows are deleted only by a retention purge, and only when older than its cut-off');
END;

CREATE TRIGGER visitor_delete_only_inactive BEFORE DELETE ON visitor
WHEN NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND OLD.last_active_at < cutoff)
BEGIN
    SELECT RAISE(ABORT, 'visitor identities are destroyed only by a retention purge, and only when inactive since its cut-off');
END;

CREATE TRIGGER purge_no_delete BEFORE DELETE ON purge
BEGIN
    SELECT RAISE(ABORT, 'purge records are permanent');
END;

CREATE TRIGGER purge_close_only BEFORE UPDATE ON purge
WHEN OLD.finished_at IS NOT NULL OR NEW.as_of IS NOT OLD.as_of OR NEW.cutoff IS NOT OLD.cutoff
     OR NEW.started_at IS NOT OLD.started_at OR NEW.id IS NOT OLD.id
BEGIN
    SELECT RAISE(ABORT, 'a purge record may only be closed, once');
END;
