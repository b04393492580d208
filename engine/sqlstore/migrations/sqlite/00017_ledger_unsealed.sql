-- +goose Up
-- Entries committed before the global chain numbers them (docs/ledger.md,
-- "Sealing"). SQLite runs one writer at a time and seals at commit, so this
-- table stays empty unless a store is opened to seal later (as the tests do
-- to run the same checks on both databases). Rows leave only into the
-- ledger: a row can be deleted only once the ledger holds it, and never
-- updated.
CREATE TABLE ledger_unsealed (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      TEXT NOT NULL,
    workflow     TEXT NOT NULL,
    number       TEXT NOT NULL,
    case_version INTEGER NOT NULL,
    at           DATETIME NOT NULL,
    actor_user   TEXT NOT NULL,
    actor_role   TEXT NOT NULL,
    actor_org    TEXT NOT NULL,
    event        TEXT NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    payload      TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    key_id       TEXT NOT NULL,
    mac          TEXT NOT NULL
);
CREATE INDEX ledger_unsealed_by_case ON ledger_unsealed (case_id, id);

-- +goose StatementBegin
CREATE TRIGGER ledger_unsealed_no_update BEFORE UPDATE ON ledger_unsealed
BEGIN
    SELECT RAISE(ABORT, 'an unsealed ledger entry leaves only into the ledger: UPDATE refused');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER ledger_unsealed_keep BEFORE DELETE ON ledger_unsealed
WHEN NOT EXISTS (SELECT 1 FROM ledger WHERE case_id = OLD.case_id AND hash = OLD.hash)
BEGIN
    SELECT RAISE(ABORT, 'an unsealed ledger entry leaves only into the ledger: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger_unsealed;
