-- +goose Up
-- The supervision side's read model (issue 9): one fact row per case, per
-- bank round and per counted event, derived from the cases and the ledger by
-- the projector, never written by the engine. It can be dropped and rebuilt
-- from the cases at any time (parkfin report rebuild).
CREATE TABLE report_cases (
    case_id       text PRIMARY KEY,
    number        text NOT NULL,
    park          text NOT NULL,
    county        text NOT NULL,
    bank_first    text NOT NULL,
    bank_last     text NOT NULL,
    received_at   DATETIME NOT NULL,
    routed_at     DATETIME NOT NULL,
    window_delay  integer NOT NULL,
    sought_fen    bigint,
    state         text NOT NULL,
    outcome       text NOT NULL,
    closed_at     DATETIME,
    financed_fen  bigint,
    escalated     boolean NOT NULL,
    seq           bigint NOT NULL
);
-- Covering indexes: each aggregate reads its index alone (the period's
-- range, and the bank's within it), never the table.
CREATE INDEX report_cases_received ON report_cases (received_at, bank_first, park, county, window_delay);
CREATE INDEX report_cases_closed ON report_cases (closed_at, bank_last, park, county, outcome, sought_fen, financed_fen);
CREATE INDEX report_cases_bank_received ON report_cases (bank_first, received_at, park, county, window_delay);
CREATE INDEX report_cases_bank_closed ON report_cases (bank_last, closed_at, park, county, outcome, sought_fen, financed_fen);

CREATE TABLE report_rounds (
    case_id         text NOT NULL,
    idx             integer NOT NULL,
    bank            text NOT NULL,
    park            text NOT NULL,
    county          text NOT NULL,
    cause           text NOT NULL,
    routed_at       DATETIME NOT NULL,
    accepted_at     DATETIME,
    sign_workdays   integer,
    answered_at     DATETIME,
    answer_workdays integer,
    late            boolean NOT NULL,
    workdays_late   integer NOT NULL,
    due_at          DATETIME,
    ended_at        DATETIME,
    -- settled_at is when the round stopped waiting on the bank: answered,
    -- or ended without an answer; NULL while it still waits.
    settled_at      DATETIME,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX report_rounds_accepted ON report_rounds (accepted_at, bank, park, county, sign_workdays);
CREATE INDEX report_rounds_answered ON report_rounds (answered_at, bank, park, county, answer_workdays, late);
CREATE INDEX report_rounds_due ON report_rounds (due_at, bank, park, county, answered_at, ended_at, late);
CREATE INDEX report_rounds_settled ON report_rounds (settled_at, due_at, routed_at, bank, park, county);
CREATE INDEX report_rounds_bank_accepted ON report_rounds (bank, accepted_at, park, county, sign_workdays);
CREATE INDEX report_rounds_bank_answered ON report_rounds (bank, answered_at, park, county, answer_workdays, late);
CREATE INDEX report_rounds_bank_due ON report_rounds (bank, due_at, park, county, answered_at, ended_at, late);
CREATE INDEX report_rounds_bank_settled ON report_rounds (bank, settled_at, due_at, routed_at, park, county);

CREATE TABLE report_events (
    case_id text NOT NULL,
    idx     integer NOT NULL,
    kind    text NOT NULL,
    at      DATETIME NOT NULL,
    bank    text NOT NULL,
    park    text NOT NULL,
    county  text NOT NULL,
    value   text NOT NULL,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX report_events_at ON report_events (at, kind, value, bank, park, county);
CREATE INDEX report_events_bank_at ON report_events (bank, at, kind, value, park, county);

-- Where the projector stands in the ledger, and the sequence numbers it
-- skipped because their transactions had not committed yet.
CREATE TABLE report_cursor (
    id  integer PRIMARY KEY,
    seq bigint NOT NULL
);
CREATE TABLE report_gaps (
    seq     bigint PRIMARY KEY,
    seen_at DATETIME NOT NULL
);

-- Published quarterly rankings: a version per publication, never changed.
CREATE TABLE report_rankings (
    quarter      text NOT NULL,
    version      integer NOT NULL,
    published_at DATETIME NOT NULL,
    published_by text NOT NULL,
    note         text NOT NULL,
    body         text NOT NULL,
    PRIMARY KEY (quarter, version)
);

-- Yearly filings of the banks' loan figures, per bank and park.
CREATE TABLE report_filings (
    year            integer NOT NULL,
    bank            text NOT NULL,
    park            text NOT NULL,
    loan_increment  text NOT NULL,
    growth_rate     text NOT NULL,
    borrowers       integer NOT NULL,
    filed_at        DATETIME NOT NULL,
    filed_by        text NOT NULL,
    PRIMARY KEY (year, bank, park)
);

-- Half-year evaluations of the lead banks, with the half-year's figures.
CREATE TABLE report_evaluations (
    half        text NOT NULL,
    bank        text NOT NULL,
    assessment  text NOT NULL,
    measures    text NOT NULL,
    figures     text NOT NULL,
    recorded_at DATETIME NOT NULL,
    recorded_by text NOT NULL,
    PRIMARY KEY (half, bank)
);

-- +goose Down
DROP TABLE report_evaluations;
DROP TABLE report_filings;
DROP TABLE report_rankings;
DROP TABLE report_gaps;
DROP TABLE report_cursor;
DROP TABLE report_events;
DROP TABLE report_rounds;
DROP TABLE report_cases;
