-- +goose Up
-- Sign-in (tokens, sessions), idempotency of case creation, and the index
-- the API's overdue board needs.
-- Personal API tokens: only a SHA-256 hash of the secret is kept.
CREATE TABLE api_tokens (
    id         text PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users (name),
    name       text NOT NULL,
    hash       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name, created_at);

-- Browser sessions: the cookie's hash, its user and its CSRF token.
CREATE TABLE sessions (
    hash       text PRIMARY KEY,
    user_name  text NOT NULL REFERENCES users (name),
    csrf       text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Idempotency keys of case creation: one row per (user, key), claimed
-- before the case is opened and completed with its id after.
CREATE TABLE idempotency_keys (
    user_name    text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    case_id      text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_name, key)
);

-- The overdue board with the filter as a bound parameter: the partial
-- index cases_overdue only serves plans that see the literal "overdue", not
-- PostgreSQL's generic plans of prepared statements.
CREATE INDEX cases_by_overdue ON cases (workflow, overdue, received_at DESC, id DESC);

-- Case lists are LIMITed index walks of a millisecond; starting parallel
-- workers for them costs 10-20 ms on a two-core machine. Reports that scan
-- every case can re-enable parallelism per session.
ALTER TABLE cases SET (parallel_workers = 0);

-- +goose Down
ALTER TABLE cases RESET (parallel_workers);
DROP INDEX cases_by_overdue;
DROP TABLE idempotency_keys;
DROP TABLE sessions;
DROP TABLE api_tokens;
