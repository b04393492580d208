package timerindextest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// testConcurrentClaimers has 8 workers drain 10,000 due timers in batches
// of 100: between them they must get every timer exactly once.
func testConcurrentClaimers(t *testing.T, x engine.TimerIndex) {
	const (
		timers  = 10000
		workers = 8
		batch   = 100
	)
	refs := make([]engine.TimerRef, timers)
	for i := range refs {
		refs[i] = ref(fmt.Sprintf("timer-%05d", i), T0.Add(-time.Duration(i)*time.Millisecond))
	}
	mustSchedule(t, x, refs...)

	var (
		mu   sync.Mutex
		seen = make(map[string]int, timers)
		wg   sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			for {
				got, err := x.Claim(ctx, T0, batch, time.Hour)
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				if len(got) > batch {
					t.Errorf("Claim returned %d timers, limit %d", len(got), batch)
				}
				ids := make([]string, len(got))
				mu.Lock()
				for i, r := range got {
					seen[r.ID]++
					ids[i] = r.ID
				}
				mu.Unlock()
				if err := x.Ack(ctx, ids...); err != nil {
					t.Errorf("Ack: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, r := range refs {
		if n := seen[r.ID]; n != 1 {
			t.Errorf("%s claimed %d times, want once", r.ID, n)
		}
	}
	if len(seen) != timers {
		t.Errorf("%d distinct timers claimed, want %d", len(seen), timers)
	}
	wantIDs(t, x)
}
