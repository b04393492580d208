-- parkfin's two PostgreSQL roles (docs/ledger.md). The owner (POSTGRES_USER)
-- runs `parkfin migrate` and owns every table; serve and worker connect as
-- parkfin_app, which owns nothing and which `parkfin migrate` grants
-- INSERT and SELECT only on the ledger (PARKFIN_DATABASE_APP_ROLE).
-- PostgreSQL runs this file once, when its data volume is new; on an
-- existing database run it by hand as the owner. Change the password.
CREATE ROLE parkfin_app LOGIN PASSWORD 'parkfin_app';
