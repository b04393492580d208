-- +goose Up
-- The directory's version: raised by every change of the parks, the
-- pairings or the banks, so that a process may keep the directory as it
-- read it and know, with one comparison, whether it still holds
-- (engine/sqlstore/kept.go).
CREATE TABLE directory_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION directory_version_raise() RETURNS trigger AS $$
BEGIN
    UPDATE directory_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER parks_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON parks
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER pairings_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pairings
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER banks_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON banks
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();

-- A transaction that used what the process kept — the directory at a
-- version, the last case numbers of some prefixes — checks it before it
-- writes anything: the directory still at that version, each prefix's
-- counter still at its old value, moved on to the new one (under its row's
-- lock, taken in the order given). A changed directory raises PF001,
-- numbers taken elsewhere PF002, and the transaction is run again on what
-- the database holds.
-- +goose StatementBegin
CREATE FUNCTION check_kept(directory bigint, prefixes text[], olds integer[], news integer[]) RETURNS void AS $$
BEGIN
    IF directory IS NOT NULL AND directory IS DISTINCT FROM (SELECT version FROM directory_version WHERE id = 1) THEN
        RAISE EXCEPTION 'the directory changed since it was read' USING ERRCODE = 'PF001';
    END IF;
    FOR i IN 1 .. coalesce(array_length(prefixes, 1), 0) LOOP
        UPDATE case_numbers SET last = news[i] WHERE prefix = prefixes[i] AND last = olds[i];
        IF NOT FOUND THEN
            RAISE EXCEPTION 'case numbers of % were taken elsewhere', prefixes[i] USING ERRCODE = 'PF002';
        END IF;
    END LOOP;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION check_kept(bigint, text[], integer[], integer[]);
DROP TRIGGER banks_directory_version ON banks;
DROP TRIGGER pairings_directory_version ON pairings;
DROP TRIGGER parks_directory_version ON parks;
DROP FUNCTION directory_version_raise();
DROP TABLE directory_version;
