package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/benchload"
	"github.com/parkfin/parkfin/workflows/financing"
)

// BenchmarkDrainVsTPCB drains financing breaches (the real transition on
// PostgreSQL with the Redis index, default worker settings) between two
// runs of pgbench's TPC-B-like transaction on the same PostgreSQL, and
// reports the drain's rate over the mean of the two TPC-B figures. The
// machine is shared: the ratio is what to read. Floor: ratio ≥ 1.
//
//	PARKFIN_BENCH=1 go test -run '^$' -bench DrainVsTPCB -benchtime 1x -timeout 30m ./engine/
//
// PARKFIN_BENCH_CASES sets the cases drained (default 10,000).
func BenchmarkDrainVsTPCB(b *testing.B) {
	mustBench(b)
	n := benchCount(b, "PARKFIN_BENCH_CASES", 10000)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location())
	b.StopTimer()
	loadBefore := benchload.Load()
	tpsBefore := benchload.TPCB(b, 15*time.Second)

	env := newFinancingEnv(b, start, 20)
	reminder, limit := env.openCases(b, n, 8)
	env.clock.Set(reminder)
	warm := engine.NewWorker(env.eng, env.index, engine.WorkerConfig{Concurrency: 16, Batch: 500, Logger: quietLogger})
	if fired, err := warm.Drain(context.Background()); err != nil || fired != n {
		b.Fatalf("reminders: %d of %d fired, err %v", fired, n, err)
	}
	env.clock.Set(limit)
	w := engine.NewWorker(env.eng, env.index, engine.WorkerConfig{Logger: quietLogger})
	loadDrain := benchload.Load()
	t0 := time.Now()
	fired, err := w.Drain(context.Background())
	// Done when the last entry is sealed into the global chain too.
	if _, serr := env.store.Seal(context.Background()); serr != nil {
		b.Fatal(serr)
	}
	elapsed := time.Since(t0)
	if err != nil || fired != n {
		b.Fatalf("breaches: %d of %d fired, err %v", fired, n, err)
	}
	if got := env.count(b, "ledger", "event = ?", string(financing.Breach)); got != int64(n) {
		b.Fatalf("%d breach ledger entries, want %d", got, n)
	}

	tpsAfter := benchload.TPCB(b, 15*time.Second)
	tps := (tpsBefore + tpsAfter) / 2
	rate := float64(n) / elapsed.Seconds()
	b.ReportMetric(rate, "cases/s")
	b.ReportMetric(tpsBefore, "tpcb-before-tps")
	b.ReportMetric(tpsAfter, "tpcb-after-tps")
	b.ReportMetric(rate/tps, "ratio")
	b.Logf("drain %.0f cases/s; pgbench TPC-B %.0f tps before, %.0f after; ratio %.2f; load %s / %s / %s (before, drain, after)",
		rate, tpsBefore, tpsAfter, rate/tps, loadBefore, loadDrain, benchload.Load())
	if rate < tps {
		b.Errorf("the drain (%.0f cases/s) is slower than TPC-B (%.0f tps) on the same PostgreSQL", rate, tps)
	}
}
