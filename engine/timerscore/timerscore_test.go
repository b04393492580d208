package timerscore_test

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/timerscore"
)

func TestRounding(t *testing.T) {
	at := time.Date(2026, 10, 13, 16, 0, 0, 0, time.UTC)
	if timerscore.Due(at) != timerscore.Now(at) {
		t.Fatal("a whole microsecond scores the same as due and as now")
	}
	half := at.Add(500 * time.Nanosecond)
	if timerscore.Due(half) != timerscore.Now(at)+1 || timerscore.Now(half) != timerscore.Now(at) {
		t.Fatal("a due time between microseconds must round up, now down")
	}
	if timerscore.Lease(1500*time.Nanosecond) != 2 || timerscore.Lease(time.Second) != 1_000_000 {
		t.Fatal("leases round up")
	}
	if timerscore.Check("due", time.Time{}) == nil || timerscore.Check("due", at) != nil {
		t.Fatal("Check")
	}
	if timerscore.Check("due", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)) == nil {
		t.Fatal("an instant beyond 2^53 µs is accepted")
	}
}

func TestCheckClaim(t *testing.T) {
	now := time.Date(2026, 10, 13, 16, 0, 0, 0, time.UTC)
	if none, err := timerscore.CheckClaim("x", now, 10, time.Second); none || err != nil {
		t.Fatalf("a good claim: none %v, %v", none, err)
	}
	if none, err := timerscore.CheckClaim("x", now, 0, time.Second); !none || err != nil {
		t.Fatalf("limit 0: none %v, %v", none, err)
	}
	if none, err := timerscore.CheckClaim("x", now, 10, 0); !none || err == nil {
		t.Fatalf("lease 0: none %v, %v", none, err)
	}
	if none, err := timerscore.CheckClaim("x", time.Time{}, 10, time.Second); !none || err == nil {
		t.Fatalf("zero now: none %v, %v", none, err)
	}
}
