-- Signed checkpoints of the hash chains: anyone who saved one can later prove the log only grew.
CREATE TABLE checkpoint (
    id        INTEGER PRIMARY KEY,                      -- checkpoint number
    log       TEXT    NOT NULL CHECK (log IN ('scan_log', 'audit_log')), -- which chain
    entries   INTEGER NOT NULL,                         -- rows ever appended to it (the position of its head)
    head      BLOB    NOT NULL,                         -- hash of the row at that position
    at        INTEGER NOT NULL,                         -- when it was taken
    statement TEXT    NOT NULL                          -- the signed JSON exactly as published
) STRICT;
CREATE INDEX checkpoint_at ON checkpoint(at);

CREATE TRIGGER checkpoint_no_update BEFORE UPDATE ON checkpoint
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are permanent');
END;

CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint
BEGIN
    SELECT RAISE(ABORT, 'checkpoints are permanent');
END;

-- The signed deletion receipt of each closed purge, exactly as published at /api/purges.
CREATE TABLE purge_receipt (
    purge_id  INTEGER PRIMARY KEY REFERENCES purge(id), -- the purge it attests
    statement TEXT    NOT NULL                          -- the signed JSON
) STRICT;

CREATE TRIGGER purge_receipt_no_update BEFORE UPDATE ON purge_receipt
BEGIN
    SELECT RAISE(ABORT, 'receipts are permanent');
END;

CREATE TRIGGER purge_receipt_no_delete BEFORE DELETE ON purge_receipt
BEGIN
    SELECT RAISE(ABORT, 'receipts are permanent');
END;
