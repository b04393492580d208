-- +goose Up
-- Sign-in (tokens, sessions), idempotency of case creation, and the index
-- the API's overdue board needs.
-- Personal API tokens: only a SHA-256 hash of the secret is kept.
CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name),
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    revoked_at DATETIME
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_name, created_at);

-- Browser sessions: the cookie's hash, its user and its CSRF token.
CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL REFERENCES users (name),
    csrf       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Idempotency keys of case creation: one row per (user, key), claimed
-- before the case is opened and completed with its id after.
CREATE TABLE idempotency_keys (
    user_name    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    case_id      TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    PRIMARY KEY (user_name, key)
);

-- The overdue board with the filter as a bound parameter: the partial
-- index cases_overdue only serves plans that see the literal "overdue", not
-- PostgreSQL's generic plans of prepared statements.
CREATE INDEX cases_by_overdue ON cases (workflow, overdue, received_at DESC, id DESC);

-- +goose Down
DROP INDEX cases_by_overdue;
DROP TABLE idempotency_keys;
DROP TABLE sessions;
DROP TABLE api_tokens;
