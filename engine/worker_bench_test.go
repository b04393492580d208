package engine_test

// Benchmarks of the timer worker (engine.Worker) end to end: claiming from
// a real index, firing with bounded concurrency, acking. The index alone
// (Schedule, Claim+Ack, Cancel) is measured by engine/timerindextest's Bench
// functions in engine/redistimer and engine/memtimer; these do not repeat
// them. They run only with PARKFIN_BENCH=1 (make bench), against the local
// PostgreSQL and Redis; docs/benchmarks-timers.md records the results.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing"
)

// BenchmarkWorkerDrainNoop fires 20,000 timers that fall due at one instant
// through a running Worker whose handler does nothing. One op is one burst;
// its time runs from the due instant until the last timer was handled.
// timers/s is the burst over that time; late-* is when the handler saw each
// timer after its due instant (wall clock). Floor: 20,000 timers/s.
func BenchmarkWorkerDrainNoop(b *testing.B) {
	mustBench(b)
	n := benchCount(b, "PARKFIN_BENCH_TIMERS", 20000)
	configs := []struct{ batch, concurrency int }{
		{256, 8}, // the defaults
		{1000, 8},
		{1000, 64},
	}
	for _, ix := range benchIndexes {
		for _, cfg := range configs {
			b.Run(fmt.Sprintf("%s/batch%d/conc%d", ix.name, cfg.batch, cfg.concurrency), func(b *testing.B) {
				index := ix.new(b)
				wcfg := engine.WorkerConfig{Batch: cfg.batch, Concurrency: cfg.concurrency}
				var (
					sample []time.Duration
					burst  time.Duration
					cpu    cpuUse
				)
				for i := 0; i < b.N; i++ {
					s, d, c := noopBurst(b, index, wcfg, n, fmt.Sprintf("noop-%d-", i))
					sample = append(sample, s...)
					burst += d
					cpu = cpu.add(c)
				}
				slices.Sort(sample)
				rate := float64(n*b.N) / burst.Seconds()
				b.ReportMetric(rate, "timers/s")
				b.ReportMetric(float64(burst)/float64(b.N)/float64(time.Millisecond), "fire-all-ms")
				reportLateness(b, sample)
				cpu.report(b, n*b.N, "timer", burst)
				if rate < 20000 {
					b.Errorf("%.0f timers/s is below the 20,000 timers/s floor", rate)
				}
			})
		}
	}
}

// noopBurst runs one burst of n timers due at one instant through a new
// worker and returns the lateness sample, the time from the due instant to
// the last timer handled and the CPU spent meanwhile. The benchmark timer
// runs over that span only.
func noopBurst(b *testing.B, index engine.TimerIndex, cfg engine.WorkerConfig, n int, idPrefix string) ([]time.Duration, time.Duration, cpuUse) {
	b.Helper()
	b.StopTimer()
	l := newLateness(n)
	w := newNoopWorker(index, l, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			b.Error(err)
		}
	}()
	mustProbe(b, index, l, idPrefix+"probe")

	// Far enough ahead to schedule every timer and for the worker, asleep
	// for up to one Poll, to look at the index again and go to sleep until
	// the due instant (Run's wait is min(Poll, Next-now)).
	due := time.Now().Add(time.Second)
	refs := make([]engine.TimerRef, 0, 5000)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s%06d", idPrefix, i)
		l.expect(id, due)
		refs = append(refs, engine.TimerRef{ID: id, DueAt: due})
		if len(refs) == cap(refs) || i == n-1 {
			if err := index.Schedule(ctx, refs...); err != nil {
				b.Fatal(err)
			}
			refs = refs[:0]
		}
	}
	if lead := time.Until(due); lead < 500*time.Millisecond {
		b.Fatalf("scheduling took too long: %v left before the due instant", lead)
	}
	// Reading /proc takes milliseconds: do it before the burst.
	before := readCPU(nil)
	// Waiting for the wall clock is the point here, not a stand-in for a
	// signal.
	time.Sleep(time.Until(due))
	b.StartTimer()
	l.wait(b, time.Minute)
	b.StopTimer()
	cpu := readCPU(nil).sub(before)
	l.check(b)
	l.mu.Lock()
	last := l.last
	l.mu.Unlock()
	return l.sample(), last.Sub(due), cpu
}

// mustProbe schedules a timer due now and waits until the worker handled
// it: the worker has reconciled and is claiming.
func mustProbe(b *testing.B, index engine.TimerIndex, l *lateness, id string) {
	b.Helper()
	handled := l.probe(id)
	if err := index.Schedule(context.Background(), engine.TimerRef{ID: id, DueAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	t := time.NewTimer(30 * time.Second)
	defer t.Stop()
	select {
	case <-handled:
	case <-t.C:
		b.Fatal("the worker did not handle a due probe timer within 30s")
	}
}

// BenchmarkWorkerDrainBreach fires the limit timers of 20,000 financing
// cases that fall due at one instant, through Worker.Drain and the real
// engine on PostgreSQL: each is the breach transition (the case turns red,
// past due and supervised, with a ledger entry and the timer row marked
// fired). The cases are opened beforehand by concurrent engine.Open
// calls and their reminders fired (neither is measured). The clock is a
// FakeClock, so lateness means nothing here: BenchmarkWorkerDrainNoop and
// BenchmarkIsolatedLateness measure it.
//
// Sub-benchmarks vary the worker's Concurrency and Batch and the store's
// MaxOpenConns, with the worker's own handler: the claimed timers fired
// in transactions of up to FireBatch (Engine.FireTimers). Floor: 1,000
// cases/s for each. The last, one-by-one, fires each timer in a
// transaction of its own (Engine.FireTimer), as the worker does with the
// timers of a batch that failed; it is measured, with the attempts each
// timer took, and has no floor. stmts/case counts the SQL statements run
// through gorm per timer and logs them by kind (the rows a transaction
// writes go through pgx and are not among them); round-trips/case adds
// BEGIN and COMMIT to them, one-by-one only; *-cpu-us/case splits the CPU
// time between this process, the PostgreSQL server and the Redis server,
// and other-cores says how busy other programs kept the machine meanwhile
// (noise).
func BenchmarkWorkerDrainBreach(b *testing.B) {
	mustBench(b)
	n := benchCount(b, "PARKFIN_BENCH_CASES", 20000)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location())
	configs := []struct {
		concurrency, batch, conns int
		oneByOne                  bool
	}{
		{8, 256, 20, false}, // the defaults
		{4, 256, 20, false},
		{16, 256, 20, false},
		{32, 256, 40, false},
		{8, 1000, 20, false},
		{16, 256, 8, false},
		{8, 256, 20, true},
	}
	for _, cfg := range configs {
		name := fmt.Sprintf("conc%d/batch%d/conns%d", cfg.concurrency, cfg.batch, cfg.conns)
		if cfg.oneByOne {
			name = "one-by-one/" + name
		}
		b.Run(name, func(b *testing.B) {
			var (
				elapsed time.Duration
				stmts   int64
				calls   int64
				cpu     cpuUse
			)
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				env := newFinancingEnv(b, start, cfg.conns)
				reminder, limit := env.openCases(b, n, 8)
				env.clock.Set(reminder)
				warm := engine.NewWorker(env.eng, env.index, engine.WorkerConfig{Concurrency: 16, Batch: 500, Logger: quietLogger})
				if fired, err := warm.Drain(context.Background()); err != nil || fired != n {
					b.Fatalf("reminders: %d of %d fired, err %v", fired, n, err)
				}

				env.clock.Set(limit)
				var attempts atomic.Int64
				wcfg := engine.WorkerConfig{Concurrency: cfg.concurrency, Batch: cfg.batch, Logger: quietLogger}
				if cfg.oneByOne {
					wcfg.Handler = func(ctx context.Context, id string) (bool, error) {
						attempts.Add(1)
						return env.eng.FireTimer(ctx, id)
					}
				}
				w := engine.NewWorker(env.eng, env.index, wcfg)
				backends := env.backendPIDs(b, cfg.conns)
				env.takeStatements()
				before := readCPU(backends)
				t0 := time.Now()
				b.StartTimer()
				fired, err := w.Drain(context.Background())
				// Done when the last entry is sealed into the global chain too.
				if _, serr := env.store.Seal(context.Background()); serr != nil {
					b.Fatal(serr)
				}
				b.StopTimer()
				elapsed += time.Since(t0)
				cpu = cpu.add(readCPU(backends).sub(before))
				calls += attempts.Load()
				seen := env.takeStatements()
				for _, sql := range slices.Sorted(maps.Keys(seen)) {
					stmts += int64(seen[sql])
					if i == 0 {
						b.Logf("%6.2f/case  %s", float64(seen[sql])/float64(n), sql)
					}
				}
				if err != nil || fired != n {
					b.Fatalf("breaches: %d of %d fired, err %v", fired, n, err)
				}
				if got := env.count(b, "cases", "past_due AND state = ?", string(financing.Routed)); got != int64(n) {
					b.Fatalf("%d cases past due, want %d", got, n)
				}
				if got := env.count(b, "ledger", "event = ?", string(financing.Breach)); got != int64(n) {
					b.Fatalf("%d breach ledger entries, want %d", got, n)
				}
				if got := env.count(b, "timers", "status = ?", string(engine.TimerPending)); got != 0 {
					b.Fatalf("%d timer rows still pending", got)
				}
			}
			total := n * b.N
			rate := float64(total) / elapsed.Seconds()
			b.ReportMetric(rate, "cases/s")
			b.ReportMetric(float64(stmts)/float64(total), "stmts/case")
			if cfg.oneByOne {
				b.ReportMetric(float64(stmts)/float64(calls)+2, "round-trips/case")
				b.ReportMetric(float64(calls)/float64(total), "attempts/case")
			}
			cpu.report(b, total, "case", elapsed)
			if !cfg.oneByOne && rate < 1000 {
				b.Errorf("%.0f cases/s is below the 1,000 cases/s floor", rate)
			}
		})
	}
}

// BenchmarkIsolatedLateness measures how late a lone timer fires: 100,000
// timers wait far in the future in the Redis index while a stream of
// isolated timers, one every 20ms, each due 5ms after it is scheduled,
// goes through a running Worker with a no-op handler. No timer may fire
// before its due instant. Floor: p99 lateness ≤ 250ms.
//
// "poll100ms" leaves the worker alone: a timer armed while it sleeps waits
// for the next poll (default Poll, 100ms), as a timer armed by another
// process does. "wake" calls Worker.Wake after each Schedule, so the worker
// looks at once and sleeps until the instant Next returns.
func BenchmarkIsolatedLateness(b *testing.B) {
	mustBench(b)
	const (
		background = 100000
		every      = 20 * time.Millisecond
		ahead      = 5 * time.Millisecond
	)
	stream := benchCount(b, "PARKFIN_BENCH_STREAM", 300)
	for _, wake := range []bool{false, true} {
		name := "poll100ms"
		if wake {
			name = "wake"
		}
		b.Run(name, func(b *testing.B) {
			index := newBenchRedisIndex(b)
			ctx := context.Background()
			far := time.Now().Add(30 * 24 * time.Hour)
			refs := make([]engine.TimerRef, 0, 10000)
			for i := 0; i < background; i++ {
				refs = append(refs, engine.TimerRef{ID: fmt.Sprintf("far-%06d", i), DueAt: far.Add(time.Duration(i) * time.Millisecond)})
				if len(refs) == cap(refs) {
					if err := index.Schedule(ctx, refs...); err != nil {
						b.Fatal(err)
					}
					refs = refs[:0]
				}
			}
			var sample []time.Duration
			for i := 0; i < b.N; i++ {
				sample = append(sample, isolatedStream(b, index, stream, every, ahead, wake, fmt.Sprintf("iso-%d-", i))...)
			}
			slices.Sort(sample)
			reportLateness(b, sample)
			if p99 := percentile(sample, 99); p99 > 250*time.Millisecond {
				b.Errorf("p99 lateness %v is above the 250ms floor", p99)
			}
		})
	}
}

// isolatedStream runs one stream of count timers through a new worker and
// returns their lateness. The benchmark timer runs over the stream.
func isolatedStream(b *testing.B, index engine.TimerIndex, count int, every, ahead time.Duration, wake bool, idPrefix string) []time.Duration {
	b.Helper()
	b.StopTimer()
	l := newLateness(count)
	w := newNoopWorker(index, l, engine.WorkerConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-stopped; err != nil {
			b.Error(err)
		}
	}()
	mustProbe(b, index, l, idPrefix+"probe")

	b.StartTimer()
	tick := time.NewTicker(every)
	defer tick.Stop()
	deadline := time.Now().Add(time.Duration(count)*every + 30*time.Second)
	for i := 0; i < count; i++ {
		if time.Now().After(deadline) {
			b.Fatalf("stream overran its time bound after %d timers", i)
		}
		id := fmt.Sprintf("%s%04d", idPrefix, i)
		due := time.Now().Add(ahead)
		l.expect(id, due)
		if err := index.Schedule(ctx, engine.TimerRef{ID: id, DueAt: due}); err != nil {
			b.Fatal(err)
		}
		if wake {
			w.Wake()
		}
		<-tick.C
	}
	l.wait(b, 10*time.Second)
	b.StopTimer()
	l.check(b)
	return l.sample()
}
