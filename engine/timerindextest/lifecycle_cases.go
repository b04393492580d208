package timerindextest

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

func testAck(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0), ref("b", T0), ref("c", T0.Add(time.Hour)))
	wantClaim(t, x, T0, 10, ref("a", T0), ref("b", T0))
	mustAck(t, x, "a", "b", "unknown")
	wantIDs(t, x, "c")
	wantClaim(t, x, T0.Add(lease), 10)
	wantNext(t, x, T0.Add(time.Hour))
	mustAck(t, x, "a") // twice is fine
	wantIDs(t, x, "c")
}

// testAckKeepsRescheduled checks Ack drops a claim only: a timer scheduled
// again after it was claimed (its case paused and resumed while a worker held
// it) keeps its new due time when that worker acks the old claim.
func testAckKeepsRescheduled(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0))
	wantClaim(t, x, T0, 10, ref("a", T0))
	mustSchedule(t, x, ref("a", T0.Add(time.Hour)))
	mustAck(t, x, "a")
	wantIDs(t, x, "a")
	wantClaim(t, x, T0.Add(time.Hour), 10, ref("a", T0.Add(time.Hour)))
}

func testRelease(t *testing.T, x engine.TimerIndex) {
	due := T0.Add(-time.Hour)
	mustSchedule(t, x, ref("a", due), ref("b", T0))
	wantClaim(t, x, T0, 10, ref("a", due), ref("b", T0))
	mustRelease(t, x, "a")
	// Claimable at once, long before the lease would expire, with its
	// original due time.
	wantNext(t, x, due)
	wantClaim(t, x, T0.Add(us(1)), 10, ref("a", due))
	mustRelease(t, x, "a", "b", "unknown")
	wantIDs(t, x, "a", "b")
	wantClaim(t, x, T0.Add(us(2)), 10, ref("a", due), ref("b", T0))
}

func testReleaseIgnoresUnclaimed(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0.Add(time.Hour)))
	mustRelease(t, x, "a")
	wantClaim(t, x, T0, 10)
	wantNext(t, x, T0.Add(time.Hour))
}

func testRemove(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("waiting", T0.Add(time.Hour)), ref("claimed", T0), ref("kept", T0.Add(2*time.Hour)))
	wantClaim(t, x, T0, 10, ref("claimed", T0))
	mustRemove(t, x, "waiting", "claimed", "unknown")
	wantIDs(t, x, "kept")
	wantClaim(t, x, T0.Add(time.Hour+lease), 10)
	wantNext(t, x, T0.Add(2*time.Hour))
	mustRemove(t, x, "kept")
	wantIDs(t, x)
	wantNext(t, x, time.Time{})
}
