-- What the search index follows: a catalog-wide change sequence stamped on every dataset
-- whose shown content changes, a generation number that asks every node to rebuild its
-- index, and view counts.

CREATE TABLE catalog_counter (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO catalog_counter (name, value) VALUES ('change', 0);
INSERT INTO catalog_counter (name, value) VALUES ('index_generation', 0);

ALTER TABLE dataset ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dataset ADD COLUMN views BIGINT NOT NULL DEFAULT 0;
CREATE INDEX dataset_change_seq ON dataset (change_seq);
