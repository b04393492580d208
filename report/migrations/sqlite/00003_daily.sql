-- +goose Up
-- Per-day pre-aggregates of the indicators (one row per Beijing day ×
-- figure × bank × park × county × value), kept by the projector with the
-- fact rows, in the same transaction: a quarter's statistics read a few
-- thousand rows here instead of every fact of the quarter. fig is one of
-- received (v: working days at the window), closed (k: outcome; s1, s2: the
-- amounts sought and financed behind the fulfilment rate, fen), signed
-- (v: working days to sign, -1 for none), answered (v: working days to
-- answer, -1 for none; k: 'late' or ''), limit_due (the rounds whose limit
-- fell that day; s1: answered on time), due_all and due_settled (the rounds
-- by the day their limit fell, and by the day it had fallen and they had
-- settled: summed before an instant, their difference is the rounds open
-- past their limit then) and event (k: kind/value). bank is
-- the bank the figure is charged to. v holds a histogram, so that medians
-- and the 90th percentile are exact.
CREATE TABLE report_daily (
    day    text NOT NULL,
    fig    text NOT NULL,
    bank   text NOT NULL,
    park   text NOT NULL,
    county text NOT NULL,
    k      text NOT NULL,
    v      integer NOT NULL,
    n      bigint NOT NULL,
    s1     bigint NOT NULL,
    s2     bigint NOT NULL,
    PRIMARY KEY (day, fig, bank, park, county, k, v)
);
CREATE INDEX report_daily_bank ON report_daily (bank, day);
-- Whether report_daily holds the facts' figures: the projector fills it
-- from the fact rows once, on its first catch-up after this migration.
CREATE TABLE report_daily_built (
    id integer PRIMARY KEY
);

-- +goose Down
DROP TABLE report_daily_built;
DROP TABLE report_daily;
