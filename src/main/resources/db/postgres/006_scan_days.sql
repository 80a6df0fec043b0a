-- scan_log's day partitions (issue 17): one table per UTC day of scanned_at, named scan_log_dYYYYMMDD,
-- made on demand by the writer for the day of each row it appends (so a late offline scan lands in
-- its own, older day), and dropped whole by a retention purge once the whole day is older than its
-- cut-off. Dropping a partition fires no row trigger, so the drop goes through scan_log_drop_day,
-- which, like the delete trigger, refuses unless an open purge's cut-off is past the day's end.

-- The partition holding instant `at` (ms), made when absent; returns its name.
CREATE FUNCTION scan_log_day(at BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
DECLARE
    day_ms CONSTANT BIGINT := 86400000;
    day_start BIGINT := at - (((at % day_ms) + day_ms) % day_ms);
    part TEXT := 'scan_log_d' || to_char(to_timestamp(day_start / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD');
BEGIN
    IF to_regclass(part) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF scan_log FOR VALUES FROM (%s) TO (%s)',
                       part, day_start, day_start + day_ms);
        -- row triggers come from scan_log; TRUNCATE of the partition itself would pass scan_log's
        EXECUTE format('CREATE TRIGGER scan_log_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT'
                       ' EXECUTE FUNCTION entrylog_refuse(%L)', part, 'scan_log is append-only');
    END IF;
    RETURN part;
END $$;

-- The day partitions whose whole day lies before `cut`, oldest first, with their day's end.
CREATE FUNCTION scan_log_days_before(cut BIGINT) RETURNS TABLE(part TEXT, day_end BIGINT) LANGUAGE sql STABLE AS $$
    SELECT c.relname::text,
           (extract(epoch FROM to_date(substr(c.relname, 11), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') * 1000)::bigint
               + 86400000
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'scan_log'::regclass AND c.relname ~ '^scan_log_d[0-9]{8}$'
       AND (extract(epoch FROM to_date(substr(c.relname, 11), 'YYYYMMDD')::timestamp AT TIME ZONE 'UTC') * 1000)::bigint
               + 86400000 <= cut
     ORDER BY 1
$$;

-- Drops one day partition inside an open purge whose cut-off is at or after the day's end; returns
-- the rows it held.
CREATE FUNCTION scan_log_drop_day(part TEXT) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    day_end BIGINT;
    n BIGINT;
BEGIN
    SELECT d.day_end INTO day_end FROM scan_log_days_before(9223372036854775807) d WHERE d.part = scan_log_drop_day.part;
    IF day_end IS NULL THEN
        RAISE EXCEPTION 'no scan_log day partition %', part USING ERRCODE = 'restrict_violation';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND day_end <= cutoff) THEN
        RAISE EXCEPTION 'scan_log days are dropped only by a retention purge, and only when wholly older than its cut-off'
            USING ERRCODE = 'restrict_violation';
    END IF;
    EXECUTE format('SELECT count(*) FROM %I', part) INTO n;
    EXECUTE format('ALTER TABLE scan_log DETACH PARTITION %I', part);
    EXECUTE format('DROP TABLE %I', part);
    RETURN n;
END $$;
