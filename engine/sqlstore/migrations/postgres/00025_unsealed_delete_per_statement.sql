-- +goose Up
-- The sealer removes the entries it moved into the ledger a batch at a time
-- (hundreds under a stream of openings). Checked row by row, each removed
-- row cost a call of the trigger's function and a query of its own; checked
-- once a statement, the rows the statement removed are looked up in the
-- ledger together. What is refused stays the same: a DELETE that removes an
-- entry the ledger does not hold fails whole, and an UPDATE always fails.
-- +goose StatementBegin
CREATE FUNCTION ledger_unsealed_refuse_delete() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM removed r
               WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE l.case_id = r.case_id AND l.hash = r.hash)) THEN
        RAISE EXCEPTION 'an unsealed ledger entry leaves only into the ledger: DELETE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

DROP TRIGGER ledger_unsealed_keep ON ledger_unsealed;
CREATE TRIGGER ledger_unsealed_no_update
    BEFORE UPDATE ON ledger_unsealed
    FOR EACH ROW EXECUTE FUNCTION ledger_unsealed_refuse_change();
CREATE TRIGGER ledger_unsealed_keep
    AFTER DELETE ON ledger_unsealed
    REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_unsealed_refuse_delete();

-- +goose Down
DROP TRIGGER ledger_unsealed_keep ON ledger_unsealed;
DROP TRIGGER ledger_unsealed_no_update ON ledger_unsealed;
DROP FUNCTION ledger_unsealed_refuse_delete();
CREATE TRIGGER ledger_unsealed_keep
    BEFORE UPDATE OR DELETE ON ledger_unsealed
    FOR EACH ROW EXECUTE FUNCTION ledger_unsealed_refuse_change();
