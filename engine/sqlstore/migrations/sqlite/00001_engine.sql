-- +goose Up
CREATE TABLE counties (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE parks (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    county_code TEXT NOT NULL REFERENCES counties (code)
);

CREATE TABLE banks (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

-- Yearly pairings of a park with its lead bank. A change within the year
-- supersedes the old row (kept, with superseded_at) and states a reason.
CREATE TABLE pairings (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    year          INTEGER NOT NULL,
    park_code     TEXT NOT NULL REFERENCES parks (code),
    bank_code     TEXT NOT NULL REFERENCES banks (code),
    reason        TEXT NOT NULL DEFAULT '',
    recorded_at   DATETIME NOT NULL,
    recorded_by   TEXT NOT NULL,
    superseded_at DATETIME
);
CREATE UNIQUE INDEX pairings_in_force ON pairings (year, park_code) WHERE superseded_at IS NULL;

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_code      TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL
);

CREATE TABLE cases (
    id          TEXT PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    workflow    TEXT NOT NULL,
    state       TEXT NOT NULL,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    data        TEXT NOT NULL,
    received_at DATETIME NOT NULL,
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    warn_at     DATETIME,
    due_at      DATETIME,
    due_soon    BOOLEAN NOT NULL DEFAULT 0,
    overdue     BOOLEAN NOT NULL DEFAULT 0,
    ledger_head TEXT NOT NULL,
    ledger_len  INTEGER NOT NULL
);
CREATE INDEX cases_by_received ON cases (workflow, received_at DESC, id DESC);
CREATE INDEX cases_by_state ON cases (workflow, state, received_at DESC, id DESC);
CREATE INDEX cases_overdue ON cases (workflow, received_at DESC, id DESC) WHERE overdue;

CREATE TABLE case_parties (
    case_id  TEXT NOT NULL REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    org_code TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY (case_id, org_code, relation)
);
CREATE INDEX case_parties_by_org ON case_parties (org_code, relation, case_id);

CREATE TABLE case_numbers (
    prefix TEXT PRIMARY KEY,
    last   INTEGER NOT NULL
);

CREATE TABLE timers (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    name       TEXT NOT NULL,
    event      TEXT NOT NULL,
    kind       INTEGER NOT NULL,
    due_at     DATETIME NOT NULL,
    status     TEXT NOT NULL,
    remaining  INTEGER NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending';
CREATE INDEX timers_by_case ON timers (case_id);

-- The resolution ledger: append-only, hash-chained per case.
CREATE TABLE ledger (
    seq        INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL,
    at         DATETIME NOT NULL,
    actor_user TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_org  TEXT NOT NULL,
    event      TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX ledger_by_case ON ledger (case_id, seq);

-- +goose StatementBegin
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the resolution ledger is append-only: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the resolution ledger is append-only: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger;
DROP TABLE timers;
DROP TABLE case_numbers;
DROP TABLE case_parties;
DROP TABLE cases;
DROP TABLE users;
DROP TABLE pairings;
DROP TABLE banks;
DROP TABLE parks;
DROP TABLE counties;
