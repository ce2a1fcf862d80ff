-- Versions of uploaded files, the typed tables built from them, and ingestion jobs.

CREATE TABLE resource_version (
    id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resource (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    storage_key TEXT NOT NULL,
    original_filename TEXT,
    format TEXT NOT NULL DEFAULT '',
    media_type TEXT,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    report TEXT,
    created TEXT NOT NULL,
    UNIQUE (resource_id, number)
);

CREATE TABLE ingest_table (
    version_id TEXT NOT NULL REFERENCES resource_version (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    parquet_key TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    columns TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
);

CREATE TABLE ingest_job (
    id TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES resource_version (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    rows_read BIGINT NOT NULL DEFAULT 0,
    bytes_read BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT
);
CREATE INDEX ingest_job_state ON ingest_job (state, created);

-- The version in service: the newest one whose ingestion succeeded.
ALTER TABLE resource ADD COLUMN current_version_id TEXT;
