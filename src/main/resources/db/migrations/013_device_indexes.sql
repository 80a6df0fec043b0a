-- What /metrics reads of the tablets, without reading every tablet or the log (issue 18): at Korea's
-- volume (476,190 venues, a tablet each, 7 M scans a day) a scrape that read them all, and counted the
-- tablets of the last hour's scans in scan_log (a row read per scan), took 2.7–3.2 s.

-- When the tablet last sent scans (POST /api/scans or /api/scans/batch, accepted or not), written at
-- most once a minute like last_seen_at (venue/DeviceSightings); NULL until its first scans after this
-- migration. /metrics counts the tablets scanning in the last hour from it.
ALTER TABLE device ADD COLUMN last_scan_at INTEGER;
CREATE INDEX device_last_scan ON device(last_scan_at);
-- Tablets not revoked whose stored report has scans queued: a handful, found without the others.
CREATE INDEX device_queued ON device(id) WHERE queued_scans > 0 AND revoked_at IS NULL;
