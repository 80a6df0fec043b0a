-- Companions on a scan, and printed cards for visitors without a smartphone (issue 13).

-- scan_log is rebuilt: its CHECK on source must admit 2 (a card), and SQLite changes a CHECK only by
-- rebuilding the table. Every row is copied as it is, so the chain verifies as before; the two new
-- columns are NULL on rows written before this migration, and such rows are hashed without them
-- (ScanStore.rowHash), while every row written after carries companions (0 when none).
CREATE TABLE scan_log_new (
    seq          INTEGER PRIMARY KEY,                   -- position in the chain
    scan_id      BLOB    NOT NULL,                      -- 16 random bytes, the scanId
    venue_id     INTEGER NOT NULL,                      -- venue.id
    device_id    INTEGER NOT NULL,                      -- device.id that scanned it
    visitor_id   INTEGER NOT NULL,                      -- visitor.id
    scanned_at   INTEGER NOT NULL,                      -- when the visit happened (tablet time unless overridden, see device_time)
    received_at  INTEGER NOT NULL,                      -- when the server received it
    device_time  INTEGER,                               -- the tablet's claimed time when it was overridden by the server's
    direction    INTEGER NOT NULL CHECK (direction IN (0, 1)),     -- 0 = in, 1 = out
    source       INTEGER NOT NULL CHECK (source IN (0, 1, 2)),     -- 0 = pass, 1 = manual entry, 2 = printed card
    prev_hash    BLOB    NOT NULL CHECK (length(prev_hash) = 32), -- SHA-256 over all columns of the previous row (zeros for the first)
    companions   INTEGER CHECK (companions BETWEEN 0 AND 9),       -- people let in with this entry (children, a person in care); NULL only on rows older than this migration
    card_id      INTEGER,                                          -- card.id of a card scan, else NULL
    CHECK ((source = 2) = (card_id IS NOT NULL)),                  -- a card scan names its card, nothing else does
    CHECK (card_id IS NULL OR companions IS NOT NULL)              -- a row with a card is a new row, hashed with its new columns
) STRICT;
INSERT INTO scan_log_new(seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at, device_time,
                         direction, source, prev_hash)
    SELECT seq, scan_id, venue_id, device_id, visitor_id, scanned_at, received_at, device_time,
           direction, source, prev_hash FROM scan_log;
-- DROP TABLE fires no delete trigger; the table's own triggers and indexes go with it and are made again below.
DROP TABLE scan_log;
ALTER TABLE scan_log_new RENAME TO scan_log;
CREATE INDEX scan_log_venue_time ON scan_log(venue_id, scanned_at);
CREATE INDEX scan_log_visitor_time ON scan_log(visitor_id, scanned_at);
CREATE INDEX scan_log_time ON scan_log(scanned_at);
-- The repeat window of a card looks up its latest scan at a venue.
CREATE INDEX scan_log_card ON scan_log(card_id, venue_id, scanned_at) WHERE card_id IS NOT NULL;

CREATE TRIGGER scan_log_no_update BEFORE UPDATE ON scan_log
BEGIN
    SELECT RAISE(ABORT, 'scan_log is append-only');
END;

CREATE TRIGGER scan_log_delete_only_expired BEFORE DELETE ON scan_log
WHEN NOT EXISTS (SELECT 1 FROM purge WHERE finished_at IS NULL AND OLD.scanned_at < cutoff)
BEGIN
    SELECT RAISE(ABORT, 'scan_log rows are deleted only by a retention purge, and only when older than its cut-off');
END;

-- A printed card: a credential valid until revoked. Owned by pass.Cards.
CREATE TABLE card (
    id           INTEGER PRIMARY KEY,                   -- internal key (scan_log.card_id)
    public_id    BLOB    NOT NULL UNIQUE,               -- 16 random bytes, the cardId (also inside the card's signed token)
    visitor_id   INTEGER NOT NULL,                      -- visitor.id of the card's holder
    number_hash  BLOB    NOT NULL UNIQUE,               -- HMAC-SHA256(server key, the card's 12-digit number); the number itself is never stored
    created_at   INTEGER NOT NULL,                      -- when it was issued
    revoked_at   INTEGER                                -- when the holder revoked it; a revoked card is refused
) STRICT;
CREATE INDEX card_visitor ON card(visitor_id);

-- Revoking is final: a revoked card never works again, and nothing else about a card changes.
CREATE TRIGGER card_revoke_once BEFORE UPDATE ON card
WHEN OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR NEW.id IS NOT OLD.id
     OR NEW.public_id IS NOT OLD.public_id OR NEW.visitor_id IS NOT OLD.visitor_id
     OR NEW.number_hash IS NOT OLD.number_hash OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a card may only be revoked, once');
END;

-- A card goes with its holder's identity when a retention purge destroys it.
CREATE TRIGGER visitor_cards_go_with_it AFTER DELETE ON visitor
BEGIN
    DELETE FROM card WHERE visitor_id = OLD.id;
END;
