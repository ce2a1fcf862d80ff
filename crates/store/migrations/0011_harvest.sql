-- Harvesting and migration: the remote catalogs this portal copies from, each run's
-- report, and which local record each remote record became (so that a re-run updates
-- instead of duplicating, skips what did not change and resumes where it stopped).
CREATE TABLE harvest_source (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    -- `ckan`, `dcat` or `ckan-migration`.
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    -- Harvested datasets are published under this organization (NULL: the source's own,
    -- for CKAN sources and migrations).
    organization_id TEXT REFERENCES organization (id) ON DELETE SET NULL,
    -- `manual`, `hourly`, `daily` or `weekly`.
    schedule TEXT NOT NULL,
    copy_files INTEGER NOT NULL,
    created TEXT NOT NULL,
    -- Asked for from the administration page; the scheduler runs it next.
    run_requested TEXT
);

CREATE TABLE harvest_run (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES harvest_source (id) ON DELETE CASCADE,
    started TEXT NOT NULL,
    finished TEXT,
    -- `running`, `done`, `failed`.
    status TEXT NOT NULL,
    -- The run's report (JSON): counts and every record it could not bring.
    report TEXT NOT NULL
);
CREATE INDEX harvest_run_source ON harvest_run (source_id, started);

CREATE TABLE harvest_object (
    source_id TEXT NOT NULL REFERENCES harvest_source (id) ON DELETE CASCADE,
    -- `dataset`, `organization`, `group`, `user`.
    kind TEXT NOT NULL,
    remote_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    -- SHA-256 of what the source said last time: unchanged records are skipped.
    fingerprint TEXT NOT NULL,
    -- Set when the record left the source (its dataset went to the trash).
    withdrawn TEXT,
    updated TEXT NOT NULL,
    PRIMARY KEY (source_id, kind, remote_id)
);
CREATE INDEX harvest_object_local ON harvest_object (local_id);
