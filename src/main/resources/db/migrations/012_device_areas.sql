-- Tablets' areas and offline queues, and the area of each scan (issue 16).

-- The area or entrance a tablet stands at ("terrace", "front door"), set by the venue's owner on /venue;
-- NULL: none given. A scan records the area its tablet had when the scan was written (scan_log.area).
ALTER TABLE device ADD COLUMN area TEXT CHECK (area IS NULL OR length(area) BETWEEN 1 AND 40);
-- The tablet's latest report of its offline queue (scans taken but not yet delivered), written at most
-- once a minute like last_seen_at (venue/DeviceSightings); the server holds newer reports in memory.
ALTER TABLE device ADD COLUMN queued_scans INTEGER CHECK (queued_scans IS NULL OR queued_scans >= 0); -- how many
ALTER TABLE device ADD COLUMN oldest_queued_at INTEGER;   -- the tablet's time of its oldest queued scan; NULL when none
ALTER TABLE device ADD COLUMN queue_reported_at INTEGER;  -- when the server received that report

-- The area of the scanning tablet when the scan was written; NULL when it had none, and on every row
-- older than this migration. The chain covers it: a row with an area is hashed with it after
-- companions and card_id, a row without one as before (scan/ScanStore.rowHash), so old rows verify
-- unchanged and an area added, removed or edited later breaks the row's hash. An area comes only on
-- rows that carry companions (every row written since migration 009).
ALTER TABLE scan_log ADD COLUMN area TEXT CHECK (area IS NULL OR (length(area) BETWEEN 1 AND 40 AND companions IS NOT NULL));
