-- +goose Up
-- The verification's pass by case (docs/ledger.md) reads every entry by
-- case, then by case version and seq: this index holds all it reads, so
-- that pass does not visit the table. It costs one more index entry on
-- each append.
CREATE INDEX ledger_by_case_chain ON ledger (case_id, case_version, seq, prev_hash, hash, to_state, workflow, number, key_id);

-- +goose Down
DROP INDEX ledger_by_case_chain;
