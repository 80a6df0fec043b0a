-- Venue owners (issue 16): accounts that sign in like officials (same password, second factor and
-- sessions) but may only read counts of their own venues; and each venue's capacity and default stay
-- for live occupancy.

-- what an account may do: 'official' (the official API) or 'venue_owner' (its venues' counts only);
-- a session is admitted only by the role of its account's kind
ALTER TABLE official ADD COLUMN kind TEXT NOT NULL DEFAULT 'official' CHECK (kind IN ('official', 'venue_owner'));

-- which venues a venue owner's account sees; written by `owner add` (owner/OwnerAccounts)
CREATE TABLE venue_owner (
    official_id  INTEGER NOT NULL REFERENCES official(id), -- the owner's account (kind 'venue_owner')
    venue_id     INTEGER NOT NULL REFERENCES venue(id),    -- a venue they see
    PRIMARY KEY (official_id, venue_id)
) STRICT, WITHOUT ROWID;

-- people the venue may hold at once (`venue add --capacity N`); NULL: no limit is shown
ALTER TABLE venue ADD COLUMN capacity INTEGER CHECK (capacity IS NULL OR capacity > 0);
-- minutes after which an entry without an exit stops counting as inside; NULL: 180
ALTER TABLE venue ADD COLUMN default_stay_minutes INTEGER CHECK (default_stay_minutes IS NULL OR default_stay_minutes > 0);
