package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of the embedded SQLite database to path
// while it is in use, with VACUUM INTO: one read transaction, so writers
// carry on and the copy is the database as of one instant, compacted and
// self-contained (no WAL beside it). The pure-Go driver (glebarez/go-sqlite)
// does not expose SQLite's online backup API (sqlite3_backup_*); VACUUM INTO
// gives the same guarantee — a transactionally consistent snapshot taken
// online — in one statement. path must not exist.
func (s *Store) BackupTo(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("sqlstore: BackupTo is for the embedded SQLite database; back PostgreSQL up with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlstore: %s exists: a backup never overwrites a file", path)
	}
	return s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error
}

// CheckIntegrity runs SQLite's integrity check over the whole file; nil
// when it answers ok. PostgreSQL has no equivalent and answers nil.
func (s *Store) CheckIntegrity(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	var rows []string
	if err := s.db.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&rows).Error; err != nil {
		return err
	}
	if len(rows) != 1 || rows[0] != "ok" {
		return fmt.Errorf("sqlstore: integrity check: %v", rows)
	}
	return nil
}
