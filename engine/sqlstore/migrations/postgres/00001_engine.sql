-- +goose Up
CREATE TABLE counties (
    code text PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE parks (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    county_code text NOT NULL REFERENCES counties (code)
);

CREATE TABLE banks (
    code text PRIMARY KEY,
    name text NOT NULL
);

-- Yearly pairings of a park with its lead bank. A change within the year
-- supersedes the old row (kept, with superseded_at) and states a reason.
CREATE TABLE pairings (
    id            bigserial PRIMARY KEY,
    year          integer NOT NULL,
    park_code     text NOT NULL REFERENCES parks (code),
    bank_code     text NOT NULL REFERENCES banks (code),
    reason        text NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL,
    recorded_by   text NOT NULL,
    superseded_at timestamptz
);
CREATE UNIQUE INDEX pairings_in_force ON pairings (year, park_code) WHERE superseded_at IS NULL;

CREATE TABLE users (
    name          text PRIMARY KEY,
    display_name  text NOT NULL,
    role          text NOT NULL,
    org_code      text NOT NULL,
    password_hash text NOT NULL DEFAULT '',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);

CREATE TABLE cases (
    id          text PRIMARY KEY,
    number      text NOT NULL UNIQUE,
    workflow    text NOT NULL,
    state       text NOT NULL,
    version     integer NOT NULL,
    title       text NOT NULL,
    data        text NOT NULL,
    received_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    warn_at     timestamptz,
    due_at      timestamptz,
    due_soon    boolean NOT NULL DEFAULT false,
    overdue     boolean NOT NULL DEFAULT false,
    ledger_head text NOT NULL,
    ledger_len  integer NOT NULL
);
CREATE INDEX cases_by_received ON cases (workflow, received_at DESC, id DESC);
CREATE INDEX cases_by_state ON cases (workflow, state, received_at DESC, id DESC);
CREATE INDEX cases_overdue ON cases (workflow, received_at DESC, id DESC) WHERE overdue;

CREATE TABLE case_parties (
    case_id  text NOT NULL REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    org_code text NOT NULL,
    relation text NOT NULL,
    PRIMARY KEY (case_id, org_code, relation)
);
CREATE INDEX case_parties_by_org ON case_parties (org_code, relation, case_id);

CREATE TABLE case_numbers (
    prefix text PRIMARY KEY,
    last   integer NOT NULL
);

CREATE TABLE timers (
    id         text PRIMARY KEY,
    case_id    text NOT NULL REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    name       text NOT NULL,
    event      text NOT NULL,
    kind       integer NOT NULL,
    due_at     timestamptz NOT NULL,
    status     text NOT NULL,
    remaining  integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX timers_pending ON timers (due_at) WHERE status = 'pending';
CREATE INDEX timers_by_case ON timers (case_id);

-- The resolution ledger: append-only, hash-chained per case.
CREATE SEQUENCE ledger_seq;
CREATE TABLE ledger (
    seq        bigint PRIMARY KEY,
    case_id    text NOT NULL,
    at         timestamptz NOT NULL,
    actor_user text NOT NULL,
    actor_role text NOT NULL,
    actor_org  text NOT NULL,
    event      text NOT NULL,
    from_state text NOT NULL,
    to_state   text NOT NULL,
    payload    text NOT NULL,
    prev_hash  text NOT NULL,
    hash       text NOT NULL
);
CREATE INDEX ledger_by_case ON ledger (case_id, seq);

-- +goose StatementBegin
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the resolution ledger is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ledger_append_only
    BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_no_truncate
    BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- +goose Down
DROP TABLE ledger;
DROP FUNCTION ledger_refuse_change();
DROP SEQUENCE ledger_seq;
DROP TABLE timers;
DROP TABLE case_numbers;
DROP TABLE case_parties;
DROP TABLE cases;
DROP TABLE users;
DROP TABLE pairings;
DROP TABLE banks;
DROP TABLE parks;
DROP TABLE counties;
