-- +goose Up
-- The period a case of a recurring duty concerns, and the organisation a
-- scheduled case was opened for: one case per workflow, organisation and
-- period, however many schedulers run.
ALTER TABLE cases ADD COLUMN period TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN scheduled_for TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX cases_scheduled ON cases (workflow, period, scheduled_for) WHERE scheduled_for <> '';

-- When each workflow's schedule first ran: periods that opened earlier are
-- not opened late on a fresh installation.
CREATE TABLE schedule_starts (
    workflow TEXT PRIMARY KEY,
    since    DATETIME NOT NULL
);

-- Files handed in with events (a quarter's resolution ledger as submitted),
-- kept with their case; the ledger entry of the event names each by its
-- SHA-256.
CREATE TABLE case_files (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    sha256     TEXT NOT NULL,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    content    BLOB NOT NULL,
    event      TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (case_id, sha256)
);

-- +goose Down
DROP TABLE case_files;
DROP TABLE schedule_starts;
DROP INDEX cases_scheduled;
ALTER TABLE cases DROP COLUMN scheduled_for;
ALTER TABLE cases DROP COLUMN period;
