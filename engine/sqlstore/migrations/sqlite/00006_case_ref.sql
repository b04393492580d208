-- +goose Up
-- A further key a case is found by exactly: the enterprise's credit code.
ALTER TABLE cases ADD COLUMN ref TEXT NOT NULL DEFAULT '';
CREATE INDEX cases_by_ref ON cases (workflow, ref, received_at DESC, id DESC);

-- +goose Down
DROP INDEX cases_by_ref;
ALTER TABLE cases DROP COLUMN ref;
