package engine_test

import (
	"context"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// BenchmarkOpenOnPostgres opens financing cases in-process on PostgreSQL:
// one at a time (each its own transaction, what a quiet window's request
// costs from the engine to the commit), and from 32 goroutines at once
// (transactions shared by the openings waiting together). ns/op is the
// wall time an opening.
//
//	PARKFIN_BENCH=1 go test -run '^$' -bench OpenOnPostgres -benchtime 2000x ./engine/
func BenchmarkOpenOnPostgres(b *testing.B) {
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to run the PostgreSQL benchmarks")
	}
	for _, bc := range []struct {
		name       string
		goroutines int
	}{{"alone", 1}, {"conc32", 32}} {
		b.Run(bc.name, func(b *testing.B) {
			env := newFinancingEnv(b, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 20)
			ctx := context.Background()
			var (
				next  atomic.Int64
				wg    sync.WaitGroup
				fails atomic.Int64
			)
			b.ResetTimer()
			for g := 0; g < bc.goroutines; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						o := env.openers[i%len(env.openers)]
						if _, err := env.eng.Open(ctx, engine.OpenRequest{Workflow: financing.Name, Actor: o.actor, Payload: o.payload}); err != nil {
							fails.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if n := fails.Load(); n > 0 {
				b.Fatalf("%d of %d openings failed", n, b.N)
			}
		})
	}
}
