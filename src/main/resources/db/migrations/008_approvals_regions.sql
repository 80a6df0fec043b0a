-- Venue lists bound to a purpose (what traces found, approvals by a second official) and regions.
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

-- The region of a venue: ISO 3166-2 (such as 'KR-41'), set by `venue add --region`; NULL when none
-- was given, and then the venue lies in no region (only national officials see its identities).
ALTER TABLE venue ADD COLUMN region TEXT;

-- The regions of an official: ISO 3166-2 codes separated by commas (such as 'KR-11,KR-41'), set by
-- `official add --regions`; NULL means national (every region).
ALTER TABLE official ADD COLUMN regions TEXT;

-- What each trace found: one row per case visit, so a venue list under the same caseRef can be
-- answered within windowMinutes of it (docs/design.md, the approval rule). Deleted by the
-- retention purge with the scan it refers to (visit_at older than the scan cut-off).
CREATE TABLE trace_reach (
    id           INTEGER PRIMARY KEY,                   -- internal key
    case_ref     TEXT    NOT NULL,                      -- the caseRef the trace named
    official     TEXT    NOT NULL,                      -- username of the official who traced
    venue        BLOB    NOT NULL CHECK (length(venue) = 16), -- venue.public_id of the case visit
    visit_at     INTEGER NOT NULL,                      -- scanned_at of the case visit
    window_ms    INTEGER NOT NULL CHECK (window_ms > 0), -- the trace's windowMinutes, in ms
    found_at     INTEGER NOT NULL                       -- when the trace ran
) STRICT;
CREATE INDEX trace_reach_case ON trace_reach(case_ref, venue, visit_at);
CREATE INDEX trace_reach_visit ON trace_reach(visit_at);

-- A venue list outside any trace's reach, asked for by one official and granted by another.
-- Deleted by the retention purge once requested before the scan cut-off (it has lapsed long
-- before: a grant is good for 24 h); the audit log keeps the record of request and grant.
CREATE TABLE approval (
    id            INTEGER PRIMARY KEY,                  -- internal key
    public_id     BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16), -- 128 random bits, the approvalId
    case_ref      TEXT    NOT NULL,                     -- the caseRef it is for
    venue         BLOB    NOT NULL CHECK (length(venue) = 16), -- venue.public_id it is for
    from_at       INTEGER NOT NULL,                     -- the window it allows: [from_at, to_at]
    to_at         INTEGER NOT NULL CHECK (to_at >= from_at),
    reason        TEXT    NOT NULL,                     -- why, written by the requester for the second official
    requested_by  TEXT    NOT NULL,                     -- username of the requester (the only one it lets list)
    requested_at  INTEGER NOT NULL,
    granted_by    TEXT CHECK (granted_by IS NULL OR granted_by <> requested_by), -- a second official, never the requester
    granted_at    INTEGER,                              -- the list is allowed until granted_at + 24 h
    CHECK ((granted_by IS NULL) = (granted_at IS NULL))
) STRICT;
CREATE INDEX approval_requested ON approval(requested_at);

-- Only a grant may change an approval, and only once: no one widens a window, moves it to another
-- venue or case, or re-grants it to restart its 24 h (docs/conventions.md §5).
CREATE TRIGGER approval_grant_once BEFORE UPDATE ON approval
WHEN OLD.granted_at IS NOT NULL
  OR NEW.public_id IS NOT OLD.public_id OR NEW.case_ref IS NOT OLD.case_ref
  OR NEW.venue IS NOT OLD.venue OR NEW.from_at IS NOT OLD.from_at OR NEW.to_at IS NOT OLD.to_at
  OR NEW.reason IS NOT OLD.reason OR NEW.requested_by IS NOT OLD.requested_by
  OR NEW.requested_at IS NOT OLD.requested_at
BEGIN
    SELECT RAISE(ABORT, 'an approval is granted once and otherwise never changes');
END;
