-- +goose Up
-- The case as plan 6 means it: the bank's clock starts when the case reached
-- the bank (routed_at); every time limit of a case (the bank's, the
-- offices', the window's) is kept in limits; the main one's past_due flag
-- tells "overdue and still open" from "answered late"; provisional
-- deadlines reach into a year without a published holiday arrangement.
ALTER TABLE cases ADD COLUMN routed_at timestamptz;
UPDATE cases SET routed_at = received_at;
ALTER TABLE cases ALTER COLUMN routed_at SET NOT NULL;
ALTER TABLE cases ADD COLUMN past_due boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN provisional boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN limits text NOT NULL DEFAULT '[]';
CREATE INDEX cases_by_past_due ON cases (workflow, past_due, received_at DESC, id DESC);

-- Marks are a workflow's flags for boards: an open supervision notice, an
-- extension awaiting the county's decision.
CREATE TABLE case_marks (
    case_id text NOT NULL REFERENCES cases (id) DEFERRABLE INITIALLY DEFERRED,
    mark    text NOT NULL,
    PRIMARY KEY (case_id, mark)
);
CREATE INDEX case_marks_by_mark ON case_marks (mark, case_id);

-- How a timer's due instant was computed, so that it can be recomputed.
ALTER TABLE timers ADD COLUMN base_at timestamptz;
ALTER TABLE timers ADD COLUMN workdays integer NOT NULL DEFAULT 0;
ALTER TABLE timers ADD COLUMN provisional boolean NOT NULL DEFAULT false;
ALTER TABLE timers ADD COLUMN paused_at timestamptz;
CREATE INDEX timers_provisional ON timers (case_id) WHERE provisional AND status IN ('pending', 'paused');

-- +goose Down
DROP INDEX timers_provisional;
ALTER TABLE timers DROP COLUMN paused_at;
ALTER TABLE timers DROP COLUMN provisional;
ALTER TABLE timers DROP COLUMN workdays;
ALTER TABLE timers DROP COLUMN base_at;
DROP TABLE case_marks;
DROP INDEX cases_by_past_due;
ALTER TABLE cases DROP COLUMN limits;
ALTER TABLE cases DROP COLUMN provisional;
ALTER TABLE cases DROP COLUMN past_due;
ALTER TABLE cases DROP COLUMN routed_at;
