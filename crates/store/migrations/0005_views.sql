-- Saved views (CKAN's resource views): a chart or map as a declarative spec (JSON) over a
-- resource's table, shown on the dataset page when featured.

CREATE TABLE resource_view (
    id TEXT PRIMARY KEY,
    resource_id TEXT NOT NULL REFERENCES resource (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES dataset (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    view_type TEXT NOT NULL,
    spec TEXT NOT NULL,
    featured BIGINT NOT NULL DEFAULT 0,
    position BIGINT NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
);

CREATE INDEX resource_view_dataset ON resource_view (dataset_id, position);
