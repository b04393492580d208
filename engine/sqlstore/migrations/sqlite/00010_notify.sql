-- +goose Up
-- Notifications (issue 11). The outbox is written in the transaction of the
-- transition it tells of; engine/notify turns each notice into inbox rows
-- (exactly once: one per notice and user) and deliveries (at least once,
-- each with its idempotency key as id), claimed with a lease by any number
-- of senders.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';

CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    event       TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    case_number TEXT NOT NULL,
    case_title  TEXT NOT NULL,
    state       TEXT NOT NULL,
    actor_user  TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    actor_org   TEXT NOT NULL,
    at          DATETIME NOT NULL,
    due_at      DATETIME,
    recipients  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    dedupe_key  TEXT UNIQUE,
    status      TEXT NOT NULL,
    next_at     DATETIME NOT NULL,
    claim       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (next_at) WHERE status = 'pending';

CREATE TABLE deliveries (
    id          TEXT PRIMARY KEY,
    notice_id   TEXT NOT NULL,
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    message     TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     DATETIME NOT NULL,
    claim       TEXT NOT NULL DEFAULT '',
    last_error  TEXT NOT NULL DEFAULT '',
    created_at  DATETIME NOT NULL,
    updated_at  DATETIME NOT NULL,
    sent_at     DATETIME
);
CREATE INDEX deliveries_due ON deliveries (channel, next_at) WHERE status = 'pending';
CREATE INDEX deliveries_dead ON deliveries (updated_at) WHERE status = 'dead';
CREATE INDEX deliveries_by_notice ON deliveries (notice_id);

CREATE TABLE inbox (
    id          TEXT PRIMARY KEY,
    user_name   TEXT NOT NULL,
    notice_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    case_number TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  DATETIME NOT NULL,
    read_at     DATETIME,
    UNIQUE (notice_id, user_name)
);
CREATE INDEX inbox_by_user ON inbox (user_name, created_at DESC, id DESC);
CREATE INDEX inbox_unread ON inbox (user_name) WHERE read_at IS NULL;
CREATE INDEX inbox_by_age ON inbox (created_at);

-- A user's channels for one kind of notice ("*": every kind without its
-- own row), as a comma-separated list.
CREATE TABLE notify_prefs (
    user_name TEXT NOT NULL,
    kind      TEXT NOT NULL,
    channels  TEXT NOT NULL,
    PRIMARY KEY (user_name, kind)
);

-- An organisation's group robots (WeCom) and webhooks.
CREATE TABLE notify_robots (
    id         TEXT PRIMARY KEY,
    org_code   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    kinds      TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX notify_robots_by_org ON notify_robots (org_code);

-- +goose Down
DROP TABLE notify_robots;
DROP TABLE notify_prefs;
DROP TABLE inbox;
DROP TABLE deliveries;
DROP TABLE outbox;
ALTER TABLE users DROP COLUMN email;
