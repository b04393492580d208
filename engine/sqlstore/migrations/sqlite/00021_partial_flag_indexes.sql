-- +goose Up
-- The three time flags are true for few cases: the lists that ask for them
-- walk partial indexes holding only those cases, and a new case, its flags
-- false, enters none of them. The lists write the flags as literals
-- ("overdue", not "overdue = ?"), which SQLite needs to use a partial index.
-- (The outbox's dedupe key keeps its unique column constraint here:
-- changing it would mean rebuilding the table.)
CREATE INDEX cases_due_soon ON cases (workflow, received_at DESC, id DESC) WHERE due_soon;
CREATE INDEX cases_overdue ON cases (workflow, received_at DESC, id DESC) WHERE overdue;
CREATE INDEX cases_past_due ON cases (workflow, received_at DESC, id DESC) WHERE past_due;
DROP INDEX cases_by_due_soon;
DROP INDEX cases_by_overdue;
DROP INDEX cases_by_past_due;

-- +goose Down
CREATE INDEX cases_by_due_soon ON cases (workflow, due_soon, received_at DESC, id DESC);
CREATE INDEX cases_by_overdue ON cases (workflow, overdue, received_at DESC, id DESC);
CREATE INDEX cases_by_past_due ON cases (workflow, past_due, received_at DESC, id DESC);
DROP INDEX cases_past_due;
DROP INDEX cases_overdue;
DROP INDEX cases_due_soon;
