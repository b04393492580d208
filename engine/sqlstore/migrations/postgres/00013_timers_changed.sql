-- +goose Up
-- A worker with the in-process timer index follows the timers that other
-- processes (the command line, another serve) arm or change, by their
-- update time: a short poll walks this index from its last look.
CREATE INDEX timers_pending_changed ON timers (updated_at) WHERE status = 'pending';

-- +goose Down
DROP INDEX timers_pending_changed;
