// Package enginetest builds, for tests, the engine with the financing
// workflow on a fresh database loaded with the demo data, a fake clock and an
// in-process timer index.
package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/all"
)

// Env is one engine over one fresh database.
type Env struct {
	Clock    *engine.FakeClock
	Store    *sqlstore.Store
	Calendar *calendar.Calendar
	// Overrides holds the calendar in force: Calendar with the overrides
	// stored in the database; the engine computes with it.
	Overrides *calendar.Overrides
	Index     *memtimer.Index
	Engine    *engine.Engine
	// Worker fires due timers from Index when the test calls Drain.
	Worker *engine.Worker
	// URL is the database's address, for a second process on it.
	URL string
}

// New migrates a fresh database of the kind db names, loads the demo data
// and builds the engine with its clock standing at start.
func New(t testing.TB, db testsvc.Database, start time.Time) *Env {
	t.Helper()
	ctx := context.Background()
	url := db.URL(t)
	store, err := sqlstore.Open(ctx, url, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if _, err := demo.Seed(ctx, store, start); err != nil {
		t.Fatalf("seed: %v", err)
	}
	cal, err := calendar.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	over, err := calendar.NewOverrides(ctx, cal, store)
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Clock: engine.NewFakeClock(start), Store: store, Calendar: cal, Overrides: over, Index: memtimer.New(), URL: url}
	env.Engine = engine.New(engine.Config{Store: store, Clock: env.Clock, Calendar: over.Live(), Index: env.Index})
	all.Register(env.Engine, all.Config{})
	env.Worker = engine.NewWorker(env.Engine, env.Index, engine.WorkerConfig{})
	return env
}

// Another returns a second engine over the same database, with a store of
// its own, as another process (or the same one after a restart) has. It
// shares the clock: processes agree on the time.
func (x *Env) Another(t testing.TB) *Env {
	t.Helper()
	return x.AnotherWith(t, sqlstore.Options{})
}

// AnotherWith is Another with a store opened with opts (the test ledger
// keys unless opts gives some).
func (x *Env) AnotherWith(t testing.TB, opts sqlstore.Options) *Env {
	t.Helper()
	ctx := context.Background()
	if opts.LedgerKeys == nil {
		opts.LedgerKeys = testsvc.LedgerKeys()
	}
	store, err := sqlstore.Open(ctx, x.URL, opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	over, err := calendar.NewOverrides(ctx, x.Calendar, store)
	if err != nil {
		t.Fatal(err)
	}
	y := &Env{Clock: x.Clock, Store: store, Calendar: x.Calendar, Overrides: over, Index: memtimer.New(), URL: x.URL}
	y.Engine = engine.New(engine.Config{Store: store, Clock: y.Clock, Calendar: over.Live(), Index: y.Index})
	all.Register(y.Engine, all.Config{})
	y.Worker = engine.NewWorker(y.Engine, y.Index, engine.WorkerConfig{})
	return y
}
