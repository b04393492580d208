package web

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemo(t *testing.T) {
	var m memo
	var calls atomic.Int32
	fn := func() (any, error) { return int(calls.Add(1)), nil }
	if v, _ := m.get("k", 50*time.Millisecond, fn); v != 1 {
		t.Fatalf("first get %v", v)
	}
	if v, _ := m.get("k", 50*time.Millisecond, fn); v != 1 {
		t.Fatalf("a fresh value was recomputed: %v", v)
	}
	if v, _ := m.get("other", 50*time.Millisecond, fn); v != 2 {
		t.Fatalf("another key shares a value: %v", v)
	}
	time.Sleep(60 * time.Millisecond)
	// Expired: the stale value comes back at once, a fresh one follows.
	if v, _ := m.get("k", 50*time.Millisecond, fn); v != 1 {
		t.Fatalf("stale get %v", v)
	}
	// The fresh value is the third computation or, when a reader saw the
	// stale value just as the first refresh ended and started another, a
	// later one: anything computed after the expiry will do.
	deadline := time.Now().Add(time.Second)
	for {
		if v, _ := m.get("k", 50*time.Millisecond, fn); v.(int) >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the value was never refreshed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := m.get("bad", time.Second, func() (any, error) { return nil, errors.New("x") }); err == nil {
		t.Fatal("an error was swallowed")
	}
}
