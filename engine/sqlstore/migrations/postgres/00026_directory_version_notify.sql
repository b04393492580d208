-- +goose Up
-- The directory's version is raised too by every change of what a notice's
-- expansion reads: the users (who they are, their role, organisation,
-- e-mail, whether disabled), their choices of channels, the organisations'
-- robots and the organisations' counties. A process that keeps what it
-- read of them knows, by the version alone, whether it still holds: the
-- dispatcher no longer digests every row to tell, and a transaction that
-- opens cases may expand their notices from what was kept, checked by
-- check_kept with the parks (engine/notify/inline.go). A user's lock-out or
-- password does not raise it.
CREATE TRIGGER users_directory_version AFTER INSERT OR DELETE OR UPDATE OF name, role, org_code, email, disabled ON users
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER users_directory_version_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER notify_prefs_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON notify_prefs
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER notify_robots_directory_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON notify_robots
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER organisations_directory_version AFTER INSERT OR DELETE OR UPDATE OF code, county_code ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();
CREATE TRIGGER organisations_directory_version_truncate AFTER TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION directory_version_raise();

-- +goose Down
DROP TRIGGER organisations_directory_version_truncate ON organisations;
DROP TRIGGER organisations_directory_version ON organisations;
DROP TRIGGER notify_robots_directory_version ON notify_robots;
DROP TRIGGER notify_prefs_directory_version ON notify_prefs;
DROP TRIGGER users_directory_version_truncate ON users;
DROP TRIGGER users_directory_version ON users;
