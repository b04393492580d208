package timerindextest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

func testScheduleIdempotent(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0), ref("b", T0.Add(time.Minute)))
	mustSchedule(t, x, ref("a", T0), ref("b", T0.Add(time.Minute)))
	wantIDs(t, x, "a", "b")
	wantClaim(t, x, T0.Add(time.Minute), 10, ref("a", T0), ref("b", T0.Add(time.Minute)))
	wantClaim(t, x, T0.Add(time.Minute), 10)
}

func testScheduleMoves(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("later", T0), ref("sooner", T0.Add(time.Hour)))
	mustSchedule(t, x, ref("later", T0.Add(2*time.Hour)), ref("sooner", T0.Add(-time.Hour)))
	wantNext(t, x, T0.Add(-time.Hour))
	wantClaim(t, x, T0.Add(2*time.Hour-us(1)), 10, ref("sooner", T0.Add(-time.Hour)))
	wantClaim(t, x, T0.Add(2*time.Hour), 10, ref("later", T0.Add(2*time.Hour)))
}

// testScheduleMovesClaimedBack checks scheduling a claimed timer puts it back
// to waiting at the new due time: its lease no longer holds it.
func testScheduleMovesClaimedBack(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0))
	wantClaim(t, x, T0, 10, ref("a", T0))
	mustSchedule(t, x, ref("a", T0.Add(time.Second)))
	wantNext(t, x, T0.Add(time.Second))
	wantClaim(t, x, T0.Add(time.Second-us(1)), 10)
	wantClaim(t, x, T0.Add(time.Second), 10, ref("a", T0.Add(time.Second)))
	// Moved to a due time later than the lease: the lease expiry does not
	// bring it back early.
	mustSchedule(t, x, ref("a", T0.Add(time.Hour)))
	wantClaim(t, x, T0.Add(time.Second+lease), 10)
	wantClaim(t, x, T0.Add(time.Hour), 10, ref("a", T0.Add(time.Hour)))
}

func testScheduleLastDuplicateWins(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0), ref("a", T0.Add(time.Hour)))
	wantIDs(t, x, "a")
	wantClaim(t, x, T0.Add(time.Hour-us(1)), 10)
	wantClaim(t, x, T0.Add(time.Hour), 10, ref("a", T0.Add(time.Hour)))
}

func testScheduleManyAtOnce(t *testing.T, x engine.TimerIndex) {
	const n = 10000
	refs := make([]engine.TimerRef, n)
	ids := make([]string, n)
	for i := range refs {
		ids[i] = fmt.Sprintf("timer-%05d", i)
		refs[i] = ref(ids[i], T0.Add(time.Duration(i)*time.Second))
	}
	mustSchedule(t, x, refs...)
	wantIDs(t, x, ids...)
	wantNext(t, x, T0)
	wantClaim(t, x, T0.Add(2*time.Second), 10, refs[:3]...)
	if err := x.Remove(context.Background(), ids...); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	wantIDs(t, x)
}
