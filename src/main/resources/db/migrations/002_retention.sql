-- Retention purges, made provable and safe to run twice or at once.

-- What a purge saw and did, beyond its cut-off and counts. All NULL for purges recorded before this
-- migration.
ALTER TABLE purge ADD COLUMN future_as_of INTEGER NOT NULL DEFAULT 0 CHECK (future_as_of IN (0, 1)); -- 1 when as_of was later than started_at (a demonstration or test run), recorded as such
ALTER TABLE purge ADD COLUMN run_by TEXT CHECK (run_by IN ('server', 'command')); -- the scheduled job inside the server, or the `purge` command
ALTER TABLE purge ADD COLUMN head_before BLOB;          -- chain_head.head of scan_log when the purge began (no personal data: a hash)
ALTER TABLE purge ADD COLUMN head_after BLOB;           -- chain_head.head of scan_log when it closed (scans may have been appended meanwhile)
ALTER TABLE purge ADD COLUMN first_seq INTEGER;         -- seq of the oldest scan_log row held when it closed: where the remaining chain begins (NULL: none held)
ALTER TABLE purge ADD COLUMN first_prev_hash BLOB;      -- that row's prev_hash, the hash of the last entry before it (purged, or zeros)
ALTER TABLE purge ADD COLUMN purged_token_uses INTEGER; -- token_use rows deleted (passes long expired whose scans were purged)
ALTER TABLE purge ADD COLUMN outcome TEXT CHECK (outcome IN ('done', 'abandoned')); -- NULL while open; 'abandoned' when a crashed purge was closed by the next one

-- The delete triggers look for the open purge on every deleted row: keep that a single index probe
-- however many purges have been recorded.
CREATE INDEX purge_open ON purge(finished_at) WHERE finished_at IS NULL;

-- token_use rows are purged by expiry; without this index each chunk would scan the whole table.
CREATE INDEX token_use_expiry ON token_use(expires_at);

-- One purge at a time: while a purge is open, DELETE is allowed only up to its cut-off, and a second
-- open purge (with perhaps a later cut-off) must not widen that. The purge code serialises purges with
-- a lock file; this is the database's own guarantee.
CREATE TRIGGER purge_one_open BEFORE INSERT ON purge
WHEN NEW.finished_at IS NULL AND EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'another purge is in progress');
END;

-- Recreated with the new columns: while a purge is open only its results may be written (counts
-- never decrease); once closed, nothing about it changes. What it was run as of, its cut-off and
-- where the chain stood when it began are fixed when it is recorded.
DROP TRIGGER purge_close_only;
CREATE TRIGGER purge_close_only BEFORE UPDATE ON purge
WHEN OLD.finished_at IS NOT NULL
     OR NEW.id IS NOT OLD.id OR NEW.as_of IS NOT OLD.as_of OR NEW.cutoff IS NOT OLD.cutoff
     OR NEW.started_at IS NOT OLD.started_at OR NEW.future_as_of IS NOT OLD.future_as_of
     OR NEW.run_by IS NOT OLD.run_by OR NEW.head_before IS NOT OLD.head_before
     OR ifnull(NEW.purged_scans, 0) < ifnull(OLD.purged_scans, 0)
     OR ifnull(NEW.purged_visitors, 0) < ifnull(OLD.purged_visitors, 0)
     OR ifnull(NEW.purged_token_uses, 0) < ifnull(OLD.purged_token_uses, 0)
BEGIN
    SELECT RAISE(ABORT, 'a purge record may only be closed, once');
END;
