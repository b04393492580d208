package report

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"
)

//go:embed migrations
var migrations embed.FS

// versionTable is goose's record of this package's migrations, apart from
// the engine's, so that the two sets number their files independently.
const versionTable = "report_db_version"

// Migrate applies the report package's own migrations to the database db
// (the engine's database: sqlstore.Store.DB()). postgres says which dialect.
func Migrate(ctx context.Context, db *gorm.DB, postgres bool) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return migrate(ctx, sqlDB, postgres)
}

func migrate(ctx context.Context, sqlDB *sql.DB, postgres bool) error {
	var (
		dialect goose.Dialect
		dir     string
		opts    []goose.ProviderOption
	)
	if postgres {
		dialect, dir = goose.DialectPostgres, "migrations/postgres"
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(4_790_009))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	} else {
		dialect, dir = goose.DialectSQLite3, "migrations/sqlite"
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, sqlDB, fsys, append(opts, goose.WithTableName(versionTable), goose.WithDisableGlobalRegistry(true))...)
	if err != nil {
		return fmt.Errorf("report: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("report: migrate: %w", err)
	}
	return nil
}
