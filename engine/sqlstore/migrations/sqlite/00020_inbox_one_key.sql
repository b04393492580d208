-- +goose Up
-- PostgreSQL drops inbox's second unique index here (its primary key, the
-- notice's id and the user's name, keeps one row per notice and user).
-- SQLite cannot drop a table constraint without rebuilding the table, and
-- its inbox is small: it keeps the index. Nothing changes.
SELECT 1;

-- +goose Down
SELECT 1;
