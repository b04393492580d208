-- +goose Up
-- The ledger authenticated (docs/ledger.md): every entry records the case's
-- key fields after the move, its link in one global chain across cases and
-- the MAC of that link under a key kept outside the database. Entries
-- written before this migration keep empty columns: they are checked by
-- hash and covered by the first authenticated entry's link.
ALTER TABLE ledger ADD COLUMN workflow TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN number TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN case_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN chain_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN mac TEXT NOT NULL DEFAULT '';

-- The head of the global chain: one row. SQLite serialises writers, so
-- sequence numbers have no gaps and the chain is linear. The migration
-- command fills it (it needs the legacy entries' chain, computed in Go).
CREATE TABLE ledger_chain (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    chain_hash TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER ledger_chain_keep BEFORE DELETE ON ledger_chain
BEGIN
    SELECT RAISE(ABORT, 'the ledger chain head cannot be removed: DELETE refused');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE ledger_chain;
ALTER TABLE ledger DROP COLUMN mac;
ALTER TABLE ledger DROP COLUMN key_id;
ALTER TABLE ledger DROP COLUMN chain_hash;
ALTER TABLE ledger DROP COLUMN case_version;
ALTER TABLE ledger DROP COLUMN number;
ALTER TABLE ledger DROP COLUMN workflow;
