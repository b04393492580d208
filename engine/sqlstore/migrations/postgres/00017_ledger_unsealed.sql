-- +goose Up
-- Entries committed before the global chain numbers them (docs/ledger.md,
-- "Sealing"): a transaction inserts its entries here with their content
-- hash, their case's chain and a MAC of their own, without taking the chain
-- head; a sealer moves them into the ledger in batches, numbered, linked
-- and authenticated, under the head row's lock. Rows leave only into the
-- ledger: a row can be deleted only once the ledger holds it, and never
-- updated.
CREATE TABLE ledger_unsealed (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id      text NOT NULL,
    workflow     text NOT NULL,
    number       text NOT NULL,
    case_version integer NOT NULL,
    at           timestamptz NOT NULL,
    actor_user   text NOT NULL,
    actor_role   text NOT NULL,
    actor_org    text NOT NULL,
    event        text NOT NULL,
    from_state   text NOT NULL,
    to_state     text NOT NULL,
    payload      text NOT NULL,
    prev_hash    text NOT NULL,
    hash         text NOT NULL,
    key_id       text NOT NULL,
    mac          text NOT NULL
);
CREATE INDEX ledger_unsealed_by_case ON ledger_unsealed (case_id, id);

-- +goose StatementBegin
CREATE FUNCTION ledger_unsealed_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM ledger WHERE case_id = OLD.case_id AND hash = OLD.hash) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'an unsealed ledger entry leaves only into the ledger: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER ledger_unsealed_keep
    BEFORE UPDATE OR DELETE ON ledger_unsealed
    FOR EACH ROW EXECUTE FUNCTION ledger_unsealed_refuse_change();
CREATE TRIGGER ledger_unsealed_no_truncate
    BEFORE TRUNCATE ON ledger_unsealed
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_unsealed_refuse_change();

-- +goose Down
DROP TABLE ledger_unsealed;
DROP FUNCTION ledger_unsealed_refuse_change();
