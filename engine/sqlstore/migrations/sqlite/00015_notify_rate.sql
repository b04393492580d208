-- +goose Up
-- The robots' rate limits (WeCom and DingTalk: 20 messages a minute), kept
-- where every sending process sees them: per channel and destination, the
-- instants (Unix microseconds, comma-separated) of the messages sent in the
-- last minute. A sender locks the rows of its batch's destinations to decide.
CREATE TABLE notify_rate (
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    sends       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel, destination)
);

-- +goose Down
DROP TABLE notify_rate;
