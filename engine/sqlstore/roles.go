package sqlstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"
)

// GrantApp gives, on PostgreSQL, the role that serve and worker connect as
// what they need in the store's schema and no more: SELECT, INSERT, UPDATE
// and DELETE on the tables and the sequences' use, but only SELECT and
// INSERT on the ledger, only SELECT, INSERT and DELETE on its unsealed
// entries (a trigger refuses the delete of one the ledger does not hold),
// only SELECT and UPDATE on its chain head, and no
// TRUNCATE anywhere. The owner (who runs the migrations) keeps the rest;
// since the app role owns nothing, it cannot disable a trigger either. Run
// after every migration, it also covers tables new migrations made. On
// SQLite, which has no roles, it does nothing.
func (s *Store) GrantApp(ctx context.Context, role string) error {
	if s.dialect != Postgres {
		return nil
	}
	var schema string
	if err := s.db.WithContext(ctx).Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		return err
	}
	r, sc := pgx.Identifier{role}.Sanitize(), pgx.Identifier{schema}.Sanitize()
	stmts := []string{
		"GRANT USAGE ON SCHEMA " + sc + " TO " + r,
		"REVOKE ALL ON ALL TABLES IN SCHEMA " + sc + " FROM " + r,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + sc + " TO " + r,
		"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA " + sc + " TO " + r,
		"REVOKE UPDATE, DELETE ON TABLE " + sc + ".ledger FROM " + r,
		"REVOKE INSERT, DELETE ON TABLE " + sc + ".ledger_chain FROM " + r,
		"REVOKE UPDATE ON TABLE " + sc + ".ledger_unsealed FROM " + r,
		"REVOKE INSERT, UPDATE, DELETE ON TABLE " + sc + ".goose_db_version FROM " + r,
	}
	return s.db.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		for _, q := range stmts {
			if err := db.Exec(q).Error; err != nil {
				return fmt.Errorf("sqlstore: grant the app role: %s: %w", q, err)
			}
		}
		return nil
	})
}
