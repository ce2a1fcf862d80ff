-- What staff and visitors did that an administrator must be able to look back on: sign-ins
-- (and failed ones), sign-outs, accounts, roles, tokens, publishers, deletions. Written in
-- the transaction of the change where there is one; never updated.
CREATE TABLE audit_event (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    -- Who acted: an account's id and name (the name as typed for a failed sign-in), or
    -- NULL for the command line.
    actor_id TEXT,
    actor TEXT,
    -- The client's address as the portal saw it (after a configured proxy header).
    address TEXT,
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT
);
CREATE INDEX audit_event_at ON audit_event (at);

-- Browsers an account has signed in from: the cookie holds a random secret, kept here only
-- as its SHA-256. A recognised browser is not held back by the per-account limit on failed
-- sign-ins, so guessing from elsewhere never locks the owner out.
CREATE TABLE known_browser (
    secret_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    created TEXT NOT NULL,
    last_used TEXT NOT NULL
);
CREATE INDEX known_browser_account ON known_browser (account_id);
