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
}

// New migrates a fresh database of the kind db names, loads the demo data
// and builds the engine with its clock standing at start.
func New(t testing.TB, db testsvc.Database, start time.Time) *Env {
	t.Helper()
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, db.URL(t), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
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
	env := &Env{Clock: engine.NewFakeClock(start), Store: store, Calendar: cal, Overrides: over, Index: memtimer.New()}
	env.Engine = engine.New(engine.Config{Store: store, Clock: env.Clock, Calendar: over.Live(), Index: env.Index})
	all.Register(env.Engine, all.Config{})
	env.Worker = engine.NewWorker(env.Engine, env.Index, engine.WorkerConfig{})
	return env
}
