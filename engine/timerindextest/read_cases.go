package timerindextest

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
)

func testNext(t *testing.T, x engine.TimerIndex) {
	wantNext(t, x, time.Time{})
	mustSchedule(t, x, ref("b", T0.Add(time.Hour)), ref("a", T0.Add(time.Minute)))
	wantNext(t, x, T0.Add(time.Minute))
	// Claimed at T0+1m: the next instant is now a's lease expiry, which
	// comes before b's due time.
	wantClaim(t, x, T0.Add(time.Minute), 10, ref("a", T0.Add(time.Minute)))
	wantNext(t, x, T0.Add(time.Minute+lease))
	// A due time earlier than the lease expiry wins.
	mustSchedule(t, x, ref("c", T0.Add(time.Minute+us(5))))
	wantNext(t, x, T0.Add(time.Minute+us(5)))
	mustRemove(t, x, "c")
	mustAck(t, x, "a")
	wantNext(t, x, T0.Add(time.Hour))
	mustRemove(t, x, "b")
	wantNext(t, x, time.Time{})
}

func testIDs(t *testing.T, x engine.TimerIndex) {
	wantIDs(t, x)
	mustSchedule(t, x, ref("w1", T0.Add(time.Hour)), ref("w2", T0.Add(time.Hour)), ref("c1", T0), ref("c2", T0))
	wantClaim(t, x, T0, 10, ref("c1", T0), ref("c2", T0))
	wantIDs(t, x, "c1", "c2", "w1", "w2")
	mustRelease(t, x, "c1")
	wantIDs(t, x, "c1", "c2", "w1", "w2")
}

// testMicrosecondRoundTrip checks due times come back from Claim to the
// microsecond, whatever their location, far in the past or the future.
func testMicrosecondRoundTrip(t *testing.T, x engine.TimerIndex) {
	shanghai := time.FixedZone("CST", 8*3600)
	dues := []time.Time{
		T0.Add(us(1)),
		T0.Add(123456 * time.Microsecond),
		time.Date(2031, 5, 6, 17, 59, 59, 999999000, shanghai),
		time.Date(1999, 12, 31, 23, 59, 59, 1000, time.UTC),
		time.Date(2250, 1, 1, 0, 0, 0, 7000, time.UTC),
	}
	var refs []engine.TimerRef
	for i, due := range dues {
		refs = append(refs, ref(string(rune('a'+i)), due))
	}
	mustSchedule(t, x, refs...)
	got := mustClaim(t, x, time.Date(2250, 1, 1, 0, 0, 0, 7000, time.UTC), 10)
	if len(got) != len(refs) {
		t.Fatalf("Claim = %s, want %s", show(got), show(refs))
	}
	for _, g := range got {
		want := dues[g.ID[0]-'a']
		if !g.DueAt.Equal(want) {
			t.Errorf("%s: DueAt = %s, want %s", g.ID, g.DueAt.Format(time.RFC3339Nano), want.Format(time.RFC3339Nano))
		}
	}
	wantIDs(t, x, "a", "b", "c", "d", "e")
}
