package timerindextest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// The Bench functions measure an implementation the same way for every
// index. Each reports ns/op for its unit of work and timers/s, the number of
// timers handled per second of that work.

// BenchSchedule measures Schedule: one timer per call ("single"), 100 and
// 10,000 per call ("batch100", "batch10000"), every timer new.
func BenchSchedule(b *testing.B, newIndex func(b testing.TB) engine.TimerIndex) {
	for _, batch := range []int{1, 100, 10000} {
		name := "single"
		if batch > 1 {
			name = fmt.Sprintf("batch%d", batch)
		}
		b.Run(name, func(b *testing.B) {
			x := newIndex(b)
			ctx := context.Background()
			refs := make([]engine.TimerRef, batch)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for j := range refs {
					n := i*batch + j
					refs[j] = ref(benchID(n), T0.Add(time.Duration(n)*time.Microsecond))
				}
				if err := x.Schedule(ctx, refs...); err != nil {
					b.Fatal(err)
				}
			}
			reportTimers(b, b.N*batch)
		})
	}
}

// BenchClaimAck measures draining: one op claims and acks 20,000 timers that
// are all due, in batches of 100 to 500, by one worker or by eight at once.
func BenchClaimAck(b *testing.B, newIndex func(b testing.TB) engine.TimerIndex) {
	const due = 20000
	for _, c := range []struct{ batch, workers int }{{100, 1}, {250, 1}, {500, 1}, {100, 8}, {500, 8}} {
		b.Run(fmt.Sprintf("batch%d/workers%d", c.batch, c.workers), func(b *testing.B) {
			x := newIndex(b)
			ctx := context.Background()
			refs := make([]engine.TimerRef, due)
			for i := range refs {
				refs[i] = ref(benchID(i), T0.Add(-time.Duration(i)*time.Microsecond))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := x.Schedule(ctx, refs...); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if n := drain(b, x, c.batch, c.workers); n != due {
					b.Fatalf("drained %d timers, want %d", n, due)
				}
			}
			reportTimers(b, b.N*due)
		})
	}
}

// drain claims and acks with workers goroutines until the index has nothing
// due, and returns how many timers it took.
func drain(b *testing.B, x engine.TimerIndex, batch, workers int) int {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			ids := make([]string, 0, batch)
			for {
				got, err := x.Claim(ctx, T0, batch, time.Hour)
				if err != nil {
					b.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				ids = ids[:0]
				for _, r := range got {
					ids = append(ids, r.ID)
				}
				if err := x.Ack(ctx, ids...); err != nil {
					b.Error(err)
					return
				}
				mu.Lock()
				total += len(got)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return total
}

// BenchCancel measures Remove of waiting timers, one per call ("single")
// and 100 per call ("batch100"), from an index holding b.N*batch of them.
func BenchCancel(b *testing.B, newIndex func(b testing.TB) engine.TimerIndex) {
	for _, batch := range []int{1, 100} {
		name := "single"
		if batch > 1 {
			name = fmt.Sprintf("batch%d", batch)
		}
		b.Run(name, func(b *testing.B) {
			x := newIndex(b)
			ctx := context.Background()
			ids := make([]string, b.N*batch)
			refs := make([]engine.TimerRef, 0, 10000)
			for i := range ids {
				ids[i] = benchID(i)
				refs = append(refs, ref(ids[i], T0.Add(time.Duration(i)*time.Microsecond)))
				if len(refs) == cap(refs) || i == len(ids)-1 {
					if err := x.Schedule(ctx, refs...); err != nil {
						b.Fatal(err)
					}
					refs = refs[:0]
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := x.Remove(ctx, ids[i*batch:(i+1)*batch]...); err != nil {
					b.Fatal(err)
				}
			}
			reportTimers(b, b.N*batch)
		})
	}
}

// benchID returns a timer ID of the length of a UUID, as the engine uses.
func benchID(n int) string { return fmt.Sprintf("0192d0c4-0000-7000-8000-%012d", n) }

func reportTimers(b *testing.B, timers int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(timers)/s, "timers/s")
	}
}
