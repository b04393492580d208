package engine_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/logsink"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// downIndex is a timer index whose server is unreachable.
type downIndex struct{ engine.TimerIndex }

var _ engine.TimerIndex = downIndex{}

var errDown = errors.New("dial tcp 127.0.0.1:1: connection refused")

func (downIndex) IDs(context.Context) ([]string, error) { return nil, errDown }
func (downIndex) Claim(context.Context, time.Time, int, time.Duration) ([]engine.TimerRef, error) {
	return nil, errDown
}
func (downIndex) Next(context.Context) (time.Time, bool, error) { return time.Time{}, false, errDown }

// runBriefly runs a worker for a few polls and returns what it logged.
func runBriefly(t *testing.T, e *engine.Engine, index engine.TimerIndex) string {
	t.Helper()
	var logs logsink.Buffer
	w := engine.NewWorker(e, index, engine.WorkerConfig{Poll: 5 * time.Millisecond, ReconcileEvery: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	return logs.String()
}

// The worker tells an unreachable index from an unreachable database in its
// logs, and logs each outage once however often it polls.
func TestWorkerTellsIndexFromDatabase(t *testing.T) {
	ctx := context.Background()
	cal, err := calendar.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "w.db"), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	e := engine.New(engine.Config{Store: store, Calendar: cal})

	logs := runBriefly(t, e, downIndex{memtimer.New()})
	if n := strings.Count(logs, "timer index unreachable"); n != 1 || strings.Contains(logs, "database is unreachable") {
		t.Fatalf("index down: logged %d times, or blamed the database:\n%s", n, logs)
	}

	store.Close() // the database goes away, the index is fine
	logs = runBriefly(t, e, memtimer.New())
	if n := strings.Count(logs, "the database is unreachable"); n != 1 || strings.Contains(logs, "timer index unreachable") {
		t.Fatalf("database down: logged %d times, or blamed the index:\n%s", n, logs)
	}
}
