-- +goose Up
-- The ledger authenticated (docs/ledger.md): every entry records the case's
-- key fields after the move, its link in one global chain across cases and
-- the MAC of that link under a key kept outside the database. Entries
-- written before this migration keep empty columns: they are checked by
-- hash and covered by the first authenticated entry's link.
ALTER TABLE ledger ADD COLUMN workflow text NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN number text NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN case_version integer NOT NULL DEFAULT 0;
ALTER TABLE ledger ADD COLUMN chain_hash text NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN key_id text NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN mac text NOT NULL DEFAULT '';

-- The head of the global chain: one row, locked at the end of every
-- transaction that appends, so that sequence numbers have no gaps and the
-- chain is linear. The migration command fills it (it needs the legacy
-- entries' chain, computed in Go).
CREATE TABLE ledger_chain (
    id         integer PRIMARY KEY CHECK (id = 1),
    seq        bigint NOT NULL,
    chain_hash text NOT NULL,
    updated_at timestamptz NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION ledger_chain_refuse_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger chain head cannot be removed: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ledger_chain_keep
    BEFORE DELETE ON ledger_chain
    FOR EACH ROW EXECUTE FUNCTION ledger_chain_refuse_delete();

-- Sequence numbers now come from the chain head, without gaps.
DROP SEQUENCE ledger_seq;

-- +goose Down
CREATE SEQUENCE ledger_seq;
SELECT setval('ledger_seq', COALESCE((SELECT MAX(seq) FROM ledger), 0) + 1, false);
DROP TABLE ledger_chain;
DROP FUNCTION ledger_chain_refuse_delete();
ALTER TABLE ledger DROP COLUMN mac;
ALTER TABLE ledger DROP COLUMN key_id;
ALTER TABLE ledger DROP COLUMN chain_hash;
ALTER TABLE ledger DROP COLUMN case_version;
ALTER TABLE ledger DROP COLUMN number;
ALTER TABLE ledger DROP COLUMN workflow;
