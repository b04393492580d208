-- +goose Up
-- An inbox row's id is its notice's id and its user's name, so the primary
-- key already keeps one row per notice and user; the second unique index
-- on (notice_id, user_name) only cost every row another index entry.
ALTER TABLE inbox DROP CONSTRAINT inbox_notice_id_user_name_key;

-- +goose Down
ALTER TABLE inbox ADD UNIQUE (notice_id, user_name);
