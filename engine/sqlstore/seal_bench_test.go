package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/benchload"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// BenchmarkSealing runs the same concurrent transitions on PostgreSQL
// sealing at commit (the head row locked through every commit) and sealing
// later (a sealer in the process), alternately, three rounds each, so that
// the machine's load weighs on both alike. A round is 16 writers opening and
// accepting 20 cases each (640 transactions, 640 entries); it ends when the
// last entry is sealed. PARKFIN_BENCH=1 runs it.
//
//	PARKFIN_BENCH=1 go test -run '^$' -bench Sealing -benchtime 1x ./engine/sqlstore/
func BenchmarkSealing(b *testing.B) {
	if os.Getenv("PARKFIN_BENCH") != "1" {
		b.Skip("set PARKFIN_BENCH=1 to run the sealing benchmark")
	}
	var pg testsvc.Database
	for _, db := range testsvc.Databases() {
		if db.Name == "postgres" {
			pg = db
		}
	}
	const writers, each = 16, 20
	modes := []struct {
		name string
		mode sqlstore.Sealing
	}{{"at-commit", sqlstore.SealAtCommit}, {"later", sqlstore.SealLater}}
	rates := map[string][]float64{}
	for round := 0; round < 3; round++ {
		for _, m := range modes {
			x := enginetest.New(b, pg, time.Date(2026, 11, 2, 10, 0, 0, 0, calendar.Location()))
			y := x.AnotherWith(b, sqlstore.Options{Sealing: m.mode, MaxOpenConns: 20})
			load := benchload.Load()
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			t0 := time.Now()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						if _, err := tryOpenAndAccept(y.Engine); err != nil {
							errs <- err
							return
						}
					}
				}()
			}
			wg.Wait()
			if _, err := y.Store.Seal(context.Background()); err != nil {
				b.Fatal(err)
			}
			elapsed := time.Since(t0)
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			r, err := y.Store.VerifyLedger(context.Background())
			if err != nil || !r.OK() || r.Unsealed != 0 || r.HeadSeq != 2*writers*each {
				b.Fatalf("%s: %s %v", m.name, r, err)
			}
			rate := float64(2*writers*each) / elapsed.Seconds()
			rates[m.name] = append(rates[m.name], rate)
			b.Logf("round %d, sealing %s: %.0f transitions/s (%v); load %s", round+1, m.name, rate, elapsed.Round(time.Millisecond), load)
			y.Store.Close()
		}
	}
	for _, m := range modes {
		sum := 0.0
		for _, r := range rates[m.name] {
			sum += r
		}
		b.ReportMetric(sum/float64(len(rates[m.name])), strings.ReplaceAll(m.name, "-", "")+"-tx/s")
	}
}
