package timerindextest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// lease is the lease the suite claims with unless a case says otherwise.
const lease = 30 * time.Second

// ref is shorthand for a TimerRef.
func ref(id string, due time.Time) engine.TimerRef { return engine.TimerRef{ID: id, DueAt: due} }

// us is shorthand for n microseconds.
func us(n int) time.Duration { return time.Duration(n) * time.Microsecond }

func mustSchedule(t *testing.T, x engine.TimerIndex, refs ...engine.TimerRef) {
	t.Helper()
	if err := x.Schedule(context.Background(), refs...); err != nil {
		t.Fatalf("Schedule: %v", err)
	}
}

func mustClaim(t *testing.T, x engine.TimerIndex, now time.Time, limit int) []engine.TimerRef {
	t.Helper()
	refs, err := x.Claim(context.Background(), now, limit, lease)
	if err != nil {
		t.Fatalf("Claim(%s, %d): %v", now.Format(time.RFC3339Nano), limit, err)
	}
	return refs
}

func mustAck(t *testing.T, x engine.TimerIndex, ids ...string) {
	t.Helper()
	if err := x.Ack(context.Background(), ids...); err != nil {
		t.Fatalf("Ack: %v", err)
	}
}

func mustRelease(t *testing.T, x engine.TimerIndex, ids ...string) {
	t.Helper()
	if err := x.Release(context.Background(), ids...); err != nil {
		t.Fatalf("Release: %v", err)
	}
}

func mustRemove(t *testing.T, x engine.TimerIndex, ids ...string) {
	t.Helper()
	if err := x.Remove(context.Background(), ids...); err != nil {
		t.Fatalf("Remove: %v", err)
	}
}

func mustIDs(t *testing.T, x engine.TimerIndex) []string {
	t.Helper()
	ids, err := x.IDs(context.Background())
	if err != nil {
		t.Fatalf("IDs: %v", err)
	}
	slices.Sort(ids)
	return ids
}

// wantClaim claims at now and checks the batch: these IDs, in this order,
// with the due times they were scheduled with (compared as instants).
func wantClaim(t *testing.T, x engine.TimerIndex, now time.Time, limit int, want ...engine.TimerRef) {
	t.Helper()
	got := mustClaim(t, x, now, limit)
	if !sameRefs(got, want) {
		t.Fatalf("Claim(%s, %d) = %s, want %s", now.Format(time.RFC3339Nano), limit, show(got), show(want))
	}
}

// wantDrain is wantClaim followed by an Ack of the batch, so that later
// claims further on do not take it again when its lease expires.
func wantDrain(t *testing.T, x engine.TimerIndex, now time.Time, limit int, want ...engine.TimerRef) {
	t.Helper()
	wantClaim(t, x, now, limit, want...)
	for _, r := range want {
		mustAck(t, x, r.ID)
	}
}

// wantIDs checks the index holds exactly these IDs.
func wantIDs(t *testing.T, x engine.TimerIndex, want ...string) {
	t.Helper()
	got := mustIDs(t, x)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("IDs() = %v, want %v", got, want)
	}
}

// wantNext checks Next reports at, or an empty index when at is zero.
func wantNext(t *testing.T, x engine.TimerIndex, at time.Time) {
	t.Helper()
	got, ok, err := x.Next(context.Background())
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	switch {
	case at.IsZero() && ok:
		t.Fatalf("Next() = %s, true; want ok=false on an empty index", got.Format(time.RFC3339Nano))
	case !at.IsZero() && !ok:
		t.Fatalf("Next() = ok=false, want %s", at.Format(time.RFC3339Nano))
	case !at.IsZero() && !got.Equal(at):
		t.Fatalf("Next() = %s, want %s", got.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano))
	}
}

func sameRefs(a, b []engine.TimerRef) bool {
	return slices.EqualFunc(a, b, func(x, y engine.TimerRef) bool {
		return x.ID == y.ID && x.DueAt.Equal(y.DueAt)
	})
}

func show(refs []engine.TimerRef) string {
	s := "["
	for i, r := range refs {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s@%s", r.ID, r.DueAt.UTC().Format(time.RFC3339Nano))
	}
	return s + "]"
}
