-- Tablets' areas and offline queues, and the area of each scan: SQLite migration 012 (column
-- comments there). scan_log is partitioned by day: a column or CHECK added to the parent reaches
-- every day partition, and those made later by scan_log_day inherit it.

ALTER TABLE device ADD COLUMN area TEXT CHECK (area IS NULL OR length(area) BETWEEN 1 AND 40);
ALTER TABLE device ADD COLUMN queued_scans BIGINT CHECK (queued_scans IS NULL OR queued_scans >= 0);
ALTER TABLE device ADD COLUMN oldest_queued_at BIGINT;
ALTER TABLE device ADD COLUMN queue_reported_at BIGINT;

ALTER TABLE scan_log ADD COLUMN area TEXT
    CHECK (area IS NULL OR (length(area) BETWEEN 1 AND 40 AND companions IS NOT NULL));
