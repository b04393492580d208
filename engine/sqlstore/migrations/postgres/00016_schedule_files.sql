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

-- Files handed in with events (a quarter's resolution ledger as submitted),
-- kept with their case; the ledger entry of the event names each by its
-- SHA-256.
CREATE TABLE case_files (
    case_id    text NOT NULL REFERENCES cases (id),
    sha256     text NOT NULL,
    name       text NOT NULL,
    media_type text NOT NULL,
    size       bigint NOT NULL,
    content    bytea NOT NULL,
    event      text NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (case_id, sha256)
);

-- +goose Down
DROP TABLE case_files;
DROP TABLE schedule_starts;
DROP INDEX cases_scheduled;
ALTER TABLE cases DROP COLUMN scheduled_for;
ALTER TABLE cases DROP COLUMN period;
