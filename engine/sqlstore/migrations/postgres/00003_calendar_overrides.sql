-- +goose Up
-- A deployment's own calendar entries, one row a year, applied over the
-- published arrangements: next year's notice, a local day off.
CREATE TABLE calendar_overrides (
    year       integer PRIMARY KEY,
    data       text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL
);

-- +goose Down
DROP TABLE calendar_overrides;
