-- Officials' second factor (issue 14): a TOTP secret (RFC 6238) per account and the last 30-s step
-- whose code was accepted, so that a code is accepted once, across restarts and across servers.
-- Accounts made before this migration have no secret and cannot sign in until
-- `official totp-reset --username U` gives them one.

-- nonce || AES-256-GCM(TOTP secret) under keys/totp.key, bound to the username; NULL until set
ALTER TABLE official ADD COLUMN totp_secret BLOB;
-- the 30-s step (Unix seconds / 30) of the last code accepted; a code of this step or an earlier one is refused
ALTER TABLE official ADD COLUMN totp_last_step INTEGER;
