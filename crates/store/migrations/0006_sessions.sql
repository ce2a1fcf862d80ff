-- Web sign-in sessions. The cookie holds a random secret; only its SHA-256 is kept, with
-- the session's CSRF token (sent back in every form) and its end.

CREATE TABLE web_session (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    secret_hash TEXT NOT NULL UNIQUE,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE INDEX web_session_account ON web_session (account_id);
CREATE INDEX web_session_expires ON web_session (expires);
