-- The catalog. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids are UUID text; times are fixed-width UTC text (YYYY-MM-DDTHH:MM:SS.ffffffZ) so
-- they sort as they compare; flags are 0/1 integers.

CREATE TABLE organization (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    title_es TEXT NOT NULL,
    title_en TEXT,
    description_es TEXT NOT NULL DEFAULT '',
    description_en TEXT,
    image_url TEXT,
    email TEXT,
    website TEXT,
    created TEXT NOT NULL
);

CREATE TABLE category (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    title_es TEXT NOT NULL,
    title_en TEXT,
    description_es TEXT NOT NULL DEFAULT '',
    description_en TEXT,
    icon TEXT,
    created TEXT NOT NULL
);

CREATE TABLE dataset (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    title_es TEXT NOT NULL,
    title_en TEXT,
    description_es TEXT NOT NULL DEFAULT '',
    description_en TEXT,
    organization_id TEXT NOT NULL REFERENCES organization (id),
    licence_id TEXT NOT NULL,
    temporal_start TEXT,
    temporal_end TEXT,
    frequency TEXT,
    contact_name TEXT,
    contact_email TEXT,
    source_url TEXT,
    version TEXT,
    state TEXT NOT NULL,
    private BIGINT NOT NULL DEFAULT 0,
    featured BIGINT NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX dataset_organization ON dataset (organization_id);
CREATE INDEX dataset_modified ON dataset (modified);
CREATE INDEX dataset_created ON dataset (created);

CREATE TABLE dataset_category (
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    category_id TEXT NOT NULL REFERENCES category (id) ON DELETE CASCADE,
    PRIMARY KEY (dataset_id, category_id)
);
CREATE INDEX dataset_category_category ON dataset_category (category_id);

CREATE TABLE dataset_tag (
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (dataset_id, tag)
);
CREATE INDEX dataset_tag_tag ON dataset_tag (tag);

CREATE TABLE dataset_spatial (
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (dataset_id, code)
);

CREATE TABLE dataset_extra (
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    extra_key TEXT NOT NULL,
    extra_value TEXT NOT NULL,
    PRIMARY KEY (dataset_id, extra_key)
);

CREATE TABLE resource (
    id TEXT PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    format TEXT NOT NULL DEFAULT '',
    media_type TEXT,
    size BIGINT,
    sha256 TEXT,
    original_filename TEXT,
    url TEXT,
    storage_key TEXT,
    position BIGINT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);
CREATE INDEX resource_dataset ON resource (dataset_id, position);
