-- +goose Up
-- The due-soon board walks an index like the overdue one. The partial
-- overdue index of 00001 is covered by cases_by_overdue (00002) and only
-- costs writes.
CREATE INDEX cases_by_due_soon ON cases (workflow, due_soon, received_at DESC, id DESC);
DROP INDEX cases_overdue;

-- +goose Down
CREATE INDEX cases_overdue ON cases (workflow, received_at DESC, id DESC) WHERE overdue;
DROP INDEX cases_by_due_soon;
