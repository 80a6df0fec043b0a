-- What /metrics reads of the tablets without reading every tablet or the log: SQLite migration 013
-- (comments there).

ALTER TABLE device ADD COLUMN last_scan_at BIGINT;
CREATE INDEX device_last_scan ON device(last_scan_at);
CREATE INDEX device_queued ON device(id) WHERE queued_scans > 0 AND revoked_at IS NULL;
