package sqlstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// The embedded database is opened for durability and for several writers:
// WAL, a full sync at each commit, a busy timeout instead of SQLITE_BUSY,
// foreign keys on.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "p.db"), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000", "foreign_keys": "1"} {
		var got string
		if err := s.DB().Raw("PRAGMA " + pragma).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}
