package benchload

import (
	"context"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Open returns a migrated PostgreSQL store of a fresh schema with the demo
// data, and the calendar in force over it: what the API's and the web
// pages' benchmarks start from. The store is closed when b ends.
func Open(b testing.TB) (*sqlstore.Store, *calendar.Overrides) {
	b.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, testsvc.PostgresURL(b), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Seed(ctx, store, time.Now()); err != nil {
		b.Fatal(err)
	}
	base, err := calendar.LoadDefault()
	if err != nil {
		b.Fatal(err)
	}
	cal, err := calendar.NewOverrides(ctx, base, store)
	if err != nil {
		b.Fatal(err)
	}
	return store, cal
}
