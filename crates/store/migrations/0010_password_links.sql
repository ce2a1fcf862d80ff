-- One-time links that set an account's password: a reset asked for by e-mail, or an
-- invitation. Only the SHA-256 of the link's secret is kept; a link works once, until it
-- expires, and a new password ends every other link and session of the account.
CREATE TABLE password_link (
    secret_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    -- `reset` or `invite`.
    purpose TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL,
    used TEXT
);
CREATE INDEX password_link_account ON password_link (account_id);
