-- Boundary sets: a GeoJSON or TopoJSON resource a publisher marks as the areas maps are
-- drawn from, with the property of its features that holds the INE code. Maps draw only
-- from marked resources.

CREATE TABLE boundary_set (
    resource_id TEXT PRIMARY KEY REFERENCES resource (id) ON DELETE CASCADE,
    code_property TEXT NOT NULL,
    -- 'department', 'municipality', or '' when not known.
    level TEXT NOT NULL DEFAULT '',
    name_property TEXT,
    created TEXT NOT NULL
);
