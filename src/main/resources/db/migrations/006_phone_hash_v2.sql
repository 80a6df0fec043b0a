-- The phone index becomes memory-hard (issue 14): version 2 is Argon2id(HMAC-SHA256(key, E.164))
-- with the key as Argon2's secret (visitor/PhoneHasher). The number itself was never stored, so
-- rows of version 1 (the plain HMAC) are converted at start-up by applying Argon2id to the stored
-- value, row by row (visitor/PhoneIndexMigration). New rows are version 2.

-- which keyed hash phone_hash holds: 1 = HMAC-SHA256 (before this migration), 2 = Argon2id over it
ALTER TABLE visitor ADD COLUMN phone_hash_version INTEGER NOT NULL DEFAULT 2 CHECK (phone_hash_version IN (1, 2));
-- every row already here holds the HMAC
UPDATE visitor SET phone_hash_version = 1;
CREATE INDEX visitor_phone_hash_v1 ON visitor(id) WHERE phone_hash_version = 1;
