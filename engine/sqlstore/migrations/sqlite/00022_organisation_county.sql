-- +goose Up
-- A county sub-branch of the central bank leads its county's cases with
-- the county's financial office (the county level's double lead): it names
-- its county. Empty for the other organisations.
ALTER TABLE organisations ADD COLUMN county_code TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN county_code;
