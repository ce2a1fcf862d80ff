-- Whether each link resource's address answered when last checked (for the quality
-- score's "resources reachable" and the publishers' list of broken links).
CREATE TABLE link_check (
    resource_id TEXT PRIMARY KEY REFERENCES resource (id) ON DELETE CASCADE,
    -- The address checked: a changed link is checked again.
    url TEXT NOT NULL,
    checked TEXT NOT NULL,
    -- The HTTP status, when there was an answer.
    status INTEGER,
    ok INTEGER NOT NULL,
    message TEXT NOT NULL
);
CREATE INDEX link_check_checked ON link_check (checked);
