-- +goose Up
-- The organisations of the types that have no table of their own (a
-- guarantee company, a county sub-branch of the central bank, a city
-- department, a leading-group office): the types are declared in code (the
-- directory's and the workflows'), the organisations are data. Parks, banks
-- and counties keep their tables, which carry relations.
CREATE TABLE organisations (
    code TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX organisations_by_type ON organisations (type, code);

-- +goose Down
DROP TABLE organisations;
