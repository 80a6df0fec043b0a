-- Tablets get a name staff can tell apart and a time they were last heard from, so an operator can
-- find a lost or stolen one in `device list` and revoke it (docs/threat-model.md T9, T26).
ALTER TABLE device ADD COLUMN label TEXT NOT NULL DEFAULT ''; -- shown on the tablet and in `device list`; "Tablet N" unless given at enrollment
ALTER TABLE device ADD COLUMN last_seen_at INTEGER;          -- its last authenticated request, written at most once a minute

-- Tablets enrolled before labels existed are numbered in the order they were enrolled at their venue.
UPDATE device SET label = 'Tablet ' || (SELECT count(*) FROM device d2 WHERE d2.venue_id = device.venue_id AND d2.id <= device.id)
    WHERE label = '';
UPDATE device SET last_seen_at = enrolled_at WHERE last_seen_at IS NULL;
