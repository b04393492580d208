#!/bin/sh
# parkfin's two PostgreSQL roles (docs/ledger.md). The owner (POSTGRES_USER)
# runs `parkfin migrate` and owns every table; serve and worker connect as
# parkfin_app, which owns nothing and which `parkfin migrate` grants INSERT
# and SELECT only on the ledger (PARKFIN_DATABASE_APP_ROLE). The password
# comes from the environment (APP_DB_PASSWORD, from .env), never from a file
# in the repository. PostgreSQL runs this script once, when its data volume
# is new; on an existing database run the statement by hand as the owner.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
	-v app_password="$APP_DB_PASSWORD" <<'SQL'
CREATE ROLE parkfin_app LOGIN PASSWORD :'app_password';
SQL
