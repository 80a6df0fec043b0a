-- Exposure notices: what each trace returned as contacts, and the notices officials send them.
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

-- The contacts each trace returned: one row per contact presence (visitor, venue, when it began),
-- so a notice under the same caseRef reaches only them (docs/design.md, Exposure notices). Written
-- with the trace's audit entry; deleted by the retention purge with the visit it refers to.
CREATE TABLE trace_contact (
    id           INTEGER PRIMARY KEY,                   -- internal key
    case_ref     TEXT    NOT NULL,                      -- the caseRef the trace named
    official     TEXT    NOT NULL,                      -- username of the official who traced
    visitor      BLOB    NOT NULL CHECK (length(visitor) = 16), -- visitor.public_id of the contact
    venue        BLOB    NOT NULL CHECK (length(venue) = 16),   -- venue.public_id where they overlapped
    visit_at     INTEGER NOT NULL,                      -- scanned_at of the scan that began the contact's presence
    found_at     INTEGER NOT NULL                       -- when the trace ran
) STRICT;
CREATE INDEX trace_contact_case ON trace_contact(case_ref, visitor, visit_at);
CREATE INDEX trace_contact_visit ON trace_contact(visit_at);

-- One notice per contact presence: a visitor who overlapped the case twice gets two, each naming
-- its venue and time. No readable personal data: the visitor and venue by their public ids, the
-- message is the official's text for the visitor (at most 280 characters, checked by the server).
CREATE TABLE notice (
    id               INTEGER PRIMARY KEY,               -- internal key
    public_id        BLOB    NOT NULL UNIQUE CHECK (length(public_id) = 16), -- 128 random bits, the noticeId
    visitor          BLOB    NOT NULL CHECK (length(visitor) = 16), -- visitor.public_id it is for
    venue            BLOB    NOT NULL CHECK (length(venue) = 16),   -- venue.public_id of the overlap
    visit_at         INTEGER NOT NULL,                  -- when the visitor's presence there began (the visit it refers to)
    case_ref         TEXT    NOT NULL,                  -- the caseRef it was sent under
    level            TEXT    NOT NULL CHECK (level IN ('test', 'isolate')),
    message          TEXT,                              -- the official's short message, shown as text; NULL when none
    sent_at          INTEGER NOT NULL,
    sent_by          TEXT    NOT NULL,                  -- username of the official who sent it
    acknowledged_at  INTEGER CHECK (acknowledged_at IS NULL OR acknowledged_at >= sent_at)
) STRICT;
CREATE INDEX notice_visitor ON notice(visitor, sent_at);
CREATE INDEX notice_visit ON notice(visit_at);

-- The only change a notice allows: its acknowledgement, once (docs/conventions.md §5).
CREATE TRIGGER notice_acknowledge_once BEFORE UPDATE ON notice
WHEN OLD.acknowledged_at IS NOT NULL OR NEW.acknowledged_at IS NULL
  OR NEW.public_id IS NOT OLD.public_id OR NEW.visitor IS NOT OLD.visitor OR NEW.venue IS NOT OLD.venue
  OR NEW.visit_at IS NOT OLD.visit_at OR NEW.case_ref IS NOT OLD.case_ref OR NEW.level IS NOT OLD.level
  OR NEW.message IS NOT OLD.message OR NEW.sent_at IS NOT OLD.sent_at OR NEW.sent_by IS NOT OLD.sent_by
BEGIN
    SELECT RAISE(ABORT, 'a notice is acknowledged once and otherwise never changes');
END;

-- A notice goes only with the visit it refers to: in a retention purge, older than its cut-off.
CREATE TRIGGER notice_delete_only_expired BEFORE DELETE ON notice
WHEN NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND OLD.visit_at < cutoff)
BEGIN
    SELECT RAISE(ABORT, 'notices are deleted only by a retention purge, with the visit they refer to');
END;

-- Notices sent and acknowledged per month (UTC, 'YYYY-MM'), for /transparency: counts only, kept
-- after the notices themselves are purged.
CREATE TABLE notice_month (
    month         TEXT    PRIMARY KEY CHECK (length(month) = 7),
    sent          INTEGER NOT NULL DEFAULT 0 CHECK (sent >= 0),
    acknowledged  INTEGER NOT NULL DEFAULT 0 CHECK (acknowledged >= 0)
) STRICT;
