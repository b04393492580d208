-- +goose Up
-- Notifications (issue 11). The outbox is written in the transaction of the
-- transition it tells of; engine/notify turns each notice into inbox rows
-- (exactly once: one per notice and user) and deliveries (at least once,
-- each with its idempotency key as id), claimed with a lease by any number
-- of senders.
ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';

CREATE TABLE outbox (
    id          text PRIMARY KEY,
    kind        text NOT NULL,
    workflow    text NOT NULL,
    event       text NOT NULL,
    case_id     text NOT NULL,
    case_number text NOT NULL,
    case_title  text NOT NULL,
    state       text NOT NULL,
    actor_user  text NOT NULL,
    actor_role  text NOT NULL,
    actor_org   text NOT NULL,
    at          timestamptz NOT NULL,
    due_at      timestamptz,
    recipients  text NOT NULL,
    payload     text NOT NULL,
    dedupe_key  text UNIQUE,
    status      text NOT NULL,
    next_at     timestamptz NOT NULL,
    claim       text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (next_at) WHERE status = 'pending';

CREATE TABLE deliveries (
    id          text PRIMARY KEY,
    notice_id   text NOT NULL,
    channel     text NOT NULL,
    destination text NOT NULL,
    recipient   text NOT NULL,
    kind        text NOT NULL,
    case_id     text NOT NULL,
    message     text NOT NULL,
    status      text NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    next_at     timestamptz NOT NULL,
    claim       text NOT NULL DEFAULT '',
    last_error  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    sent_at     timestamptz
);
CREATE INDEX deliveries_due ON deliveries (channel, next_at) WHERE status = 'pending';
CREATE INDEX deliveries_dead ON deliveries (updated_at) WHERE status = 'dead';
CREATE INDEX deliveries_by_notice ON deliveries (notice_id);

CREATE TABLE inbox (
    id          text PRIMARY KEY,
    user_name   text NOT NULL,
    notice_id   text NOT NULL,
    kind        text NOT NULL,
    case_id     text NOT NULL,
    case_number text NOT NULL,
    subject     text NOT NULL,
    body        text NOT NULL,
    link        text NOT NULL,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz,
    UNIQUE (notice_id, user_name)
);
CREATE INDEX inbox_by_user ON inbox (user_name, created_at DESC, id DESC);
CREATE INDEX inbox_unread ON inbox (user_name) WHERE read_at IS NULL;
CREATE INDEX inbox_by_age ON inbox (created_at);

-- A user's channels for one kind of notice ("*": every kind without its
-- own row), as a comma-separated list.
CREATE TABLE notify_prefs (
    user_name text NOT NULL,
    kind      text NOT NULL,
    channels  text NOT NULL,
    PRIMARY KEY (user_name, kind)
);

-- An organisation's group robots (WeCom) and webhooks.
CREATE TABLE notify_robots (
    id         text PRIMARY KEY,
    org_code   text NOT NULL,
    channel    text NOT NULL,
    url        text NOT NULL,
    secret     text NOT NULL DEFAULT '',
    kinds      text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL
);
CREATE INDEX notify_robots_by_org ON notify_robots (org_code);

-- +goose Down
DROP TABLE notify_robots;
DROP TABLE notify_prefs;
DROP TABLE inbox;
DROP TABLE deliveries;
DROP TABLE outbox;
ALTER TABLE users DROP COLUMN email;
