-- +goose Up
-- The robots' rate limits (WeCom and DingTalk: 20 messages a minute), kept
-- where every sending process sees them: per channel and destination, the
-- instants (Unix microseconds, comma-separated) of the messages sent in the
-- last minute. A sender locks the rows of its batch's destinations to decide.
CREATE TABLE notify_rate (
    channel     text NOT NULL,
    destination text NOT NULL,
    sends       text NOT NULL DEFAULT '',
    PRIMARY KEY (channel, destination)
);

-- The claims of the dispatcher and of the senders take the oldest due rows,
-- ORDER BY next_at, id LIMIT n: with id in the index the scan stops after n
-- rows instead of sorting every row due at the same instant (a burst).
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_at, id) WHERE status = 'pending';
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (channel, next_at, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (channel, next_at) WHERE status = 'pending';
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_at) WHERE status = 'pending';
DROP TABLE notify_rate;
