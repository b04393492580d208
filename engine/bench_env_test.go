package engine_test

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/memtimer"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// benchRedisDB is the Redis database of this package's benchmarks, apart
// from the databases other packages' tests flush.
const benchRedisDB = 11

// mustBench skips the benchmark unless PARKFIN_BENCH=1: they take minutes
// and load the local PostgreSQL and Redis, so `go test -bench .` run by
// accident (or make test) must not start them.
func mustBench(b *testing.B) {
	b.Helper()
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to run the worker benchmarks (make bench)")
	}
}

// benchCount returns the integer in the environment variable key, or def.
// It lets a quick exploratory run use fewer timers or cases than the
// recorded one.
func benchCount(b *testing.B, key string, def int) int {
	b.Helper()
	s := os.Getenv(key)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", key, s)
	}
	return n
}

// benchIndex names a timer index implementation for the benchmarks.
type benchIndex struct {
	name string
	new  func(b *testing.B) engine.TimerIndex
}

var benchIndexes = []benchIndex{
	{"redis", newBenchRedisIndex},
	{"mem", func(*testing.B) engine.TimerIndex { return memtimer.New() }},
}

// newBenchRedisIndex returns an empty Redis index under a prefix of its own
// in benchRedisDB, deleted when the benchmark ends.
func newBenchRedisIndex(b *testing.B) engine.TimerIndex {
	b.Helper()
	client := testsvc.RedisDB(b, benchRedisDB)
	return redistimer.New(client, redistimer.Options{Prefix: testsvc.RedisPrefix(b, client)})
}

// quietLogger drops the engine's and worker's log lines.
var quietLogger = slog.New(slog.DiscardHandler)

// indexOnlyStore is the engine.Store of a worker whose handler touches no
// database. The reconciler, its only caller, is told that every timer in
// the index is pending, so it neither adds nor drops any. Any other method
// panics on the nil embedded Store: a benchmark that reached one would be
// measuring something else.
type indexOnlyStore struct{ engine.Store }

var _ engine.Store = indexOnlyStore{}

// PendingTimers returns no rows: nothing is missing from the index.
func (indexOnlyStore) PendingTimers(context.Context) ([]engine.TimerRef, error) { return nil, nil }

// PendingAmong says every ID names a pending row: nothing is stale.
func (indexOnlyStore) PendingAmong(_ context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// newNoopWorker returns a worker on index, on the wall clock, whose handler
// is l's.
func newNoopWorker(index engine.TimerIndex, l *lateness, cfg engine.WorkerConfig) *engine.Worker {
	eng := engine.New(engine.Config{Store: indexOnlyStore{}, Index: index, Logger: quietLogger})
	cfg.Handler = l.handle
	cfg.Logger = quietLogger
	return engine.NewWorker(eng, index, cfg)
}
