-- +goose Up
-- The period a case of a recurring duty concerns, and the organisation a
-- scheduled case was opened for: one case per workflow, organisation and
-- period, however many schedulers run.
ALTER TABLE cases ADD COLUMN period text NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN scheduled_for text NOT NULL DEFAULT '';
CREATE UNIQUE INDEX cases_scheduled ON cases (workflow, period, scheduled_for) WHERE scheduled_for <> '';

-- When each workflow's schedule first ran: periods that opened earlier are
-- not opened late on a fresh installation.
CREATE TABLE schedule_starts (
    workflow text PRIMARY KEY,
    since    timestamptz NOT NULL
);

-- +goose Down
DROP TABLE schedule_starts;
DROP INDEX cases_scheduled;
ALTER TABLE cases DROP COLUMN scheduled_for;
ALTER TABLE cases DROP COLUMN period;
