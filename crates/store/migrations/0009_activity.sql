-- What changed in the catalog, for the activity streams of datasets, organizations and
-- people (CKAN's *_activity_list): who, when, what, and a summary of the change (the
-- metadata fields before and after, a resource's new version). Never updated.
CREATE TABLE activity (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    -- Who acted: an account, or NULL for the command line.
    actor_id TEXT,
    actor TEXT,
    -- `dataset_create`, `dataset_update`, `dataset_delete`, `resource_create`,
    -- `resource_update`, `resource_delete`, `organization_create`, `member_set`,
    -- `member_remove`…
    action TEXT NOT NULL,
    -- What it was about: the dataset (and its organization), the organization, the account
    -- given a role, the resource.
    dataset_id TEXT,
    organization_id TEXT,
    account_id TEXT,
    object_id TEXT,
    -- JSON: the change's summary.
    detail TEXT NOT NULL
);
CREATE INDEX activity_at ON activity (at);
CREATE INDEX activity_dataset ON activity (dataset_id, at);
CREATE INDEX activity_organization ON activity (organization_id, at);
CREATE INDEX activity_actor ON activity (actor_id, at);
CREATE INDEX activity_account ON activity (account_id, at);
