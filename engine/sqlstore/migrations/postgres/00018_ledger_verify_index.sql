-- +goose Up
-- The verification's pass by case (docs/ledger.md) reads every entry by
-- case, in byte order of the case id, then by case version and seq: this
-- index holds all it reads, so that pass is an index-only scan and does not
-- visit the table. It costs one more index entry on each append.
CREATE INDEX ledger_by_case_chain ON ledger (case_id COLLATE "C", case_version, seq)
    INCLUDE (prev_hash, hash, to_state, workflow, number, key_id);

-- +goose Down
DROP INDEX ledger_by_case_chain;
