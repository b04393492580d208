-- +goose Up
-- A process keeps the bearer tokens it looked up, with their users, while
-- it listens on the channel parkfin_credentials (engine/sqlstore/
-- tokencache.go). These triggers notify that channel at the commit of any
-- change that could make a kept token wrong: a token updated (revoked) or
-- deleted; a user renamed, given another role or organisation, a new
-- password or must-change flag, disabled or enabled, or deleted. A new
-- token or user needs no notice: nothing kept names it. Nor does a
-- lock-out (locked_until), which a bearer token does not consult.
-- +goose StatementBegin
CREATE FUNCTION credentials_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('parkfin_credentials', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER api_tokens_credentials AFTER UPDATE OR DELETE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed();
CREATE TRIGGER api_tokens_credentials_truncate AFTER TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed();
CREATE TRIGGER users_credentials AFTER DELETE OR UPDATE OF name, display_name, role, org_code, password_hash,
        must_change_password, disabled, created_at ON users
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed();
CREATE TRIGGER users_credentials_truncate AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION credentials_changed();

-- +goose Down
DROP TRIGGER users_credentials_truncate ON users;
DROP TRIGGER users_credentials ON users;
DROP TRIGGER api_tokens_credentials_truncate ON api_tokens;
DROP TRIGGER api_tokens_credentials ON api_tokens;
DROP FUNCTION credentials_changed();
