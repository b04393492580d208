package timerindextest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

func testEmptyInputs(t *testing.T, x engine.TimerIndex) {
	ctx := context.Background()
	if err := x.Schedule(ctx); err != nil {
		t.Fatalf("Schedule(): %v", err)
	}
	for name, op := range map[string]func(context.Context, ...string) error{
		"Ack": x.Ack, "Release": x.Release, "Remove": x.Remove,
	} {
		if err := op(ctx); err != nil {
			t.Fatalf("%s(): %v", name, err)
		}
		if err := op(ctx, "unknown"); err != nil {
			t.Fatalf("%s(unknown): %v", name, err)
		}
	}
	wantClaim(t, x, T0, 10)
	wantNext(t, x, time.Time{})
	wantIDs(t, x)

	mustSchedule(t, x, ref("a", T0))
	wantClaim(t, x, T0, 0)
	wantIDs(t, x, "a")
	wantClaim(t, x, T0, 1, ref("a", T0))
}

func testInvalidInputs(t *testing.T, x engine.TimerIndex) {
	ctx := context.Background()
	if err := x.Schedule(ctx, ref("ok", T0), ref("zero", time.Time{})); err == nil {
		t.Fatal("Schedule with a zero due time: no error")
	}
	if err := x.Schedule(ctx, ref("ok", T0), ref("", T0)); err == nil {
		t.Fatal("Schedule with an empty ID: no error")
	}
	// A rejected call schedules nothing, not even its valid refs.
	wantIDs(t, x)
	mustSchedule(t, x, ref("a", T0))
	if _, err := x.Claim(ctx, T0, 1, 0); err == nil {
		t.Fatal("Claim with a zero lease: no error")
	}
	wantClaim(t, x, T0, 1, ref("a", T0))
}

func testClaimOnlyDue(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x,
		ref("later", T0.Add(time.Hour)),
		ref("next", T0.Add(us(1))),
		ref("now", T0),
		ref("past", T0.Add(-time.Hour)),
	)
	wantClaim(t, x, T0.Add(-us(1)).Add(-time.Hour), 10)
	wantDrain(t, x, T0, 10, ref("past", T0.Add(-time.Hour)), ref("now", T0))
	wantClaim(t, x, T0, 10)
	wantDrain(t, x, T0.Add(us(1)), 10, ref("next", T0.Add(us(1))))
	wantClaim(t, x, T0.Add(time.Hour-us(1)), 10)
	wantDrain(t, x, T0.Add(time.Hour), 10, ref("later", T0.Add(time.Hour)))
}

// testNeverEarlyWithinMicrosecond checks a due time with nanoseconds is not
// claimed in the microsecond before it ends: comparing at microsecond
// resolution must round the due time up, not down.
func testNeverEarlyWithinMicrosecond(t *testing.T, x engine.TimerIndex) {
	due := T0.Add(500 * time.Nanosecond)
	mustSchedule(t, x, ref("a", due))
	wantClaim(t, x, T0, 10)
	wantClaim(t, x, T0.Add(499*time.Nanosecond), 10)
	refs := mustClaim(t, x, T0.Add(us(1)), 10)
	if len(refs) != 1 || refs[0].ID != "a" {
		t.Fatalf("Claim a microsecond later = %s, want a", show(refs))
	}
	if d := refs[0].DueAt.Sub(due); d <= -time.Microsecond || d >= time.Microsecond {
		t.Fatalf("DueAt = %s, want %s to the microsecond", refs[0].DueAt.Format(time.RFC3339Nano), due.Format(time.RFC3339Nano))
	}
}

// testClockIsAnArgument checks what is due depends on the now passed in and
// on nothing else, in the past as in the future.
func testClockIsAnArgument(t *testing.T, x engine.TimerIndex) {
	y2001 := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	y2099 := time.Date(2099, 12, 31, 23, 59, 59, 999999000, time.UTC)
	mustSchedule(t, x, ref("2001", y2001), ref("2099", y2099))
	wantClaim(t, x, y2001.Add(-us(1)), 10)
	wantDrain(t, x, y2001, 10, ref("2001", y2001))
	wantClaim(t, x, y2099.Add(-us(1)), 10)
	wantClaim(t, x, y2099, 10, ref("2099", y2099))
}

func testClaimLimitAndOrder(t *testing.T, x engine.TimerIndex) {
	// Scheduled out of order, with a tie broken by ID.
	var all []engine.TimerRef
	for _, i := range []int{7, 2, 9, 0, 5, 3, 8, 1, 6, 4} {
		all = append(all, ref(fmt.Sprintf("t%d", i), T0.Add(-time.Duration(10-i)*time.Minute)))
	}
	all = append(all, ref("t3b", T0.Add(-7*time.Minute)))
	mustSchedule(t, x, all...)
	want := func(ids ...int) []engine.TimerRef {
		var refs []engine.TimerRef
		for _, i := range ids {
			refs = append(refs, ref(fmt.Sprintf("t%d", i), T0.Add(-time.Duration(10-i)*time.Minute)))
		}
		return refs
	}
	wantDrain(t, x, T0, 3, want(0, 1, 2)...)
	wantDrain(t, x, T0, 2, append(want(3), ref("t3b", T0.Add(-7*time.Minute)))...)
	wantDrain(t, x, T0.Add(-3*time.Minute), 100, want(4, 5, 6, 7)...)
	wantDrain(t, x, T0, 100, want(8, 9)...)
	wantClaim(t, x, T0, 100)
}

func testLeaseExpiry(t *testing.T, x engine.TimerIndex) {
	due := T0.Add(-time.Minute)
	mustSchedule(t, x, ref("a", due))
	wantClaim(t, x, T0, 10, ref("a", due))
	wantClaim(t, x, T0.Add(lease-us(1)), 10)
	// Another worker takes it over once the lease has run out, with a
	// fresh lease and the original due time.
	wantClaim(t, x, T0.Add(lease), 10, ref("a", due))
	wantClaim(t, x, T0.Add(2*lease-us(1)), 10)
	wantClaim(t, x, T0.Add(2*lease), 10, ref("a", due))
}

func testExpiredLeaseAndDueTogether(t *testing.T, x engine.TimerIndex) {
	mustSchedule(t, x, ref("a", T0), ref("b", T0.Add(lease)), ref("c", T0.Add(lease)))
	wantClaim(t, x, T0, 10, ref("a", T0))
	// At T0+lease, a's lease has expired and b, c fall due: all three are
	// taken, still ordered by due time.
	wantClaim(t, x, T0.Add(lease), 10, ref("a", T0), ref("b", T0.Add(lease)), ref("c", T0.Add(lease)))
	wantClaim(t, x, T0.Add(lease), 10)
	// The limit bounds expired leases and due timers together; expired
	// leases of equal expiry go by ID.
	mustSchedule(t, x, ref("d", T0.Add(2*lease)))
	wantClaim(t, x, T0.Add(2*lease), 2, ref("a", T0), ref("b", T0.Add(lease)))
	wantClaim(t, x, T0.Add(2*lease), 2, ref("c", T0.Add(lease)), ref("d", T0.Add(2*lease)))
}
