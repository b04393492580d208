package engine_test

import (
	"os"
	"testing"
	"time"
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
			b.ResetTimer()
			env.openCases(b, b.N, bc.goroutines)
			b.StopTimer()
		})
	}
}
