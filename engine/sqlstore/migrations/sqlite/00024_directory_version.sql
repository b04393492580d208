-- +goose Up
-- The directory's version: raised by every change of the parks, the
-- pairings or the banks (the PostgreSQL store keeps the directory between
-- transactions and checks it against this; the embedded store reads it
-- afresh, but keeps the version the same way).
CREATE TABLE directory_version (
    id      integer PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL
);
INSERT INTO directory_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER parks_directory_version_insert AFTER INSERT ON parks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER parks_directory_version_update AFTER UPDATE ON parks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER parks_directory_version_delete AFTER DELETE ON parks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pairings_directory_version_insert AFTER INSERT ON pairings
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pairings_directory_version_update AFTER UPDATE ON pairings
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER pairings_directory_version_delete AFTER DELETE ON pairings
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER banks_directory_version_insert AFTER INSERT ON banks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER banks_directory_version_update AFTER UPDATE ON banks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER banks_directory_version_delete AFTER DELETE ON banks
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER banks_directory_version_delete;
DROP TRIGGER banks_directory_version_update;
DROP TRIGGER banks_directory_version_insert;
DROP TRIGGER pairings_directory_version_delete;
DROP TRIGGER pairings_directory_version_update;
DROP TRIGGER pairings_directory_version_insert;
DROP TRIGGER parks_directory_version_delete;
DROP TRIGGER parks_directory_version_update;
DROP TRIGGER parks_directory_version_insert;
DROP TABLE directory_version;
