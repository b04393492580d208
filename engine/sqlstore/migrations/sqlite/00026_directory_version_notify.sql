-- +goose Up
-- The directory's version is raised too by every change of what a notice's
-- expansion reads: the users (who they are, their role, organisation,
-- e-mail, whether disabled), their choices of channels, the organisations'
-- robots and the organisations' counties, as on PostgreSQL.

-- +goose StatementBegin
CREATE TRIGGER users_directory_version_insert AFTER INSERT ON users
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_directory_version_update AFTER UPDATE OF name, role, org_code, email, disabled ON users
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_directory_version_delete AFTER DELETE ON users
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_prefs_directory_version_insert AFTER INSERT ON notify_prefs
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_prefs_directory_version_update AFTER UPDATE ON notify_prefs
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_prefs_directory_version_delete AFTER DELETE ON notify_prefs
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_robots_directory_version_insert AFTER INSERT ON notify_robots
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_robots_directory_version_update AFTER UPDATE ON notify_robots
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER notify_robots_directory_version_delete AFTER DELETE ON notify_robots
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_directory_version_insert AFTER INSERT ON organisations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_directory_version_update AFTER UPDATE OF code, county_code ON organisations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_directory_version_delete AFTER DELETE ON organisations
BEGIN UPDATE directory_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER organisations_directory_version_delete;
DROP TRIGGER organisations_directory_version_update;
DROP TRIGGER organisations_directory_version_insert;
DROP TRIGGER notify_robots_directory_version_delete;
DROP TRIGGER notify_robots_directory_version_update;
DROP TRIGGER notify_robots_directory_version_insert;
DROP TRIGGER notify_prefs_directory_version_delete;
DROP TRIGGER notify_prefs_directory_version_update;
DROP TRIGGER notify_prefs_directory_version_insert;
DROP TRIGGER users_directory_version_delete;
DROP TRIGGER users_directory_version_update;
DROP TRIGGER users_directory_version_insert;
