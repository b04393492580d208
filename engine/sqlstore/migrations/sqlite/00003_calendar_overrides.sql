-- +goose Up
-- A deployment's own calendar entries, one row a year, applied over the
-- published arrangements: next year's notice, a local day off.
CREATE TABLE calendar_overrides (
    year       INTEGER PRIMARY KEY,
    data       TEXT NOT NULL,
    updated_at DATETIME NOT NULL,
    updated_by TEXT NOT NULL
);

-- +goose Down
DROP TABLE calendar_overrides;
