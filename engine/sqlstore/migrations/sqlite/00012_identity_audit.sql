-- +goose Up
-- Identity and the security audit log (等保 2.0 level 2: 身份鉴别, 访问控制,
-- 安全审计).

-- When the password was last set (expiry counts from it), whether the user
-- must choose a new one at the next sign-in (set by an administrator's
-- reset), and until when the account is locked after failed sign-ins.
ALTER TABLE users ADD COLUMN password_changed_at DATETIME;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until DATETIME;

-- The hashes of a user's earlier passwords: a new one may not repeat the
-- last few.
CREATE TABLE password_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name  TEXT NOT NULL REFERENCES users (name),
    hash       TEXT NOT NULL,
    changed_at DATETIME NOT NULL
);
CREATE INDEX password_history_by_user ON password_history (user_name, changed_at);

-- Failed sign-ins, counted in the database so that every process agrees
-- on a lock-out. The name is kept as typed: unknown names count too.
CREATE TABLE sign_in_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name TEXT NOT NULL,
    addr      TEXT NOT NULL,
    at        DATETIME NOT NULL
);
CREATE INDEX sign_in_failures_by_user ON sign_in_failures (user_name, at);

-- A session's last request, for the idle timeout.
ALTER TABLE sessions ADD COLUMN last_seen_at DATETIME;

-- Who issued a token: the user itself, or an administrator for a service
-- account.
ALTER TABLE api_tokens ADD COLUMN issued_by TEXT NOT NULL DEFAULT '';

-- The security audit log, hash-chained in seq order like the ledger.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         DATETIME NOT NULL,
    actor      TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_org  TEXT NOT NULL,
    via        TEXT NOT NULL,
    addr       TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    result     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);

-- +goose Down
DROP TABLE audit_log;
ALTER TABLE api_tokens DROP COLUMN issued_by;
ALTER TABLE sessions DROP COLUMN last_seen_at;
DROP TABLE sign_in_failures;
DROP TABLE password_history;
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN must_change_password;
ALTER TABLE users DROP COLUMN password_changed_at;
