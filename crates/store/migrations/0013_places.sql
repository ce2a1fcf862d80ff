-- What each ingested table says of each place (the country, a department, a
-- municipality), learned once per table version: a territorial profile reads a few rows
-- instead of scanning every table.
CREATE TABLE place_table (
    version_id TEXT NOT NULL REFERENCES resource_version (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- The column naming the places; '' when the table has none (learned all the same).
    place_column TEXT NOT NULL,
    -- 'department' or 'municipality' ('' with no place column).
    level TEXT NOT NULL,
    year_column TEXT,
    -- Rows whose place is no territory of the level (said on the dataset page).
    unplaced_rows BIGINT NOT NULL,
    learned TEXT NOT NULL,
    PRIMARY KEY (version_id, position)
);

CREATE TABLE place_figure (
    version_id TEXT NOT NULL REFERENCES resource_version (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- The INE code of a department or municipality; '' for the country.
    code TEXT NOT NULL,
    -- The figures (JSON): see ceiba_store::PlaceFigures.
    figures TEXT NOT NULL,
    PRIMARY KEY (version_id, position, code)
);
CREATE INDEX place_figure_code ON place_figure (code);
