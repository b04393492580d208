-- +goose Up
-- The check of a removal of unsealed entries (00025) looks each removed
-- entry up in the ledger. PL/pgSQL plans that query for a connection the
-- first time the trigger runs there, and keeps the plan until the
-- ledger's statistics next change (autovacuum's analyze, after about a
-- tenth more entries): a plan made while the ledger was young could be a
-- hash join over a scan of the whole ledger, and every removal on that
-- connection then read the whole ledger again, slower as it grew (10-100
-- ms a removal at 50,000 entries in the serve benchmark). The function now
-- plans with neither scans of whole tables nor hash or merge joins, so
-- that whenever it is planned the plan looks each removed entry up by
-- ledger_by_case: a few index pages a removed entry, whatever the
-- ledger's size.
ALTER FUNCTION ledger_unsealed_refuse_delete()
    SET enable_seqscan = off
    SET enable_hashjoin = off
    SET enable_mergejoin = off;

-- +goose Down
ALTER FUNCTION ledger_unsealed_refuse_delete() RESET ALL;
