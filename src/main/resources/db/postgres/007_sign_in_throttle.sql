-- Sign-in throttling shared by every server on the database (official/LoginThrottle; on SQLite,
-- one server, the counts stay in its memory). Keys are the first 8 bytes of SHA-256 of the account
-- or client address, never the name or address itself. Rows leave once out of their window.

-- One failed sign-in, counted against an account and, in a second row, against an address.
CREATE TABLE sign_in_failure (
    key_hash  BIGINT  NOT NULL,
    at        BIGINT  NOT NULL
);
CREATE INDEX sign_in_failure_key ON sign_in_failure(key_hash, at);
CREATE INDEX sign_in_failure_at ON sign_in_failure(at);

-- An address from which an account signed in successfully (let through its account's limit).
CREATE TABLE sign_in_known (
    account_hash  BIGINT  NOT NULL,
    address_hash  BIGINT  NOT NULL,
    at            BIGINT  NOT NULL,
    PRIMARY KEY (account_hash, address_hash)
);
CREATE INDEX sign_in_known_at ON sign_in_known(at);
