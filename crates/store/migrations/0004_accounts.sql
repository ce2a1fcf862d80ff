-- Who may write: accounts (CKAN users), their roles in organizations, and API tokens.
-- Passwords are kept only as argon2id PHC strings; tokens only as the SHA-256 (hex) of
-- their secret.

CREATE TABLE account (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    fullname TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    sysadmin BIGINT NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'deleted')),
    created TEXT NOT NULL
);

CREATE TABLE membership (
    account_id TEXT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'member')),
    PRIMARY KEY (account_id, organization_id)
);
CREATE INDEX membership_organization ON membership (organization_id);

CREATE TABLE api_token (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    expires TEXT,
    last_used TEXT,
    revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_token_account ON api_token (account_id, created);
