package password

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A flood of checks never runs more hashes at once than the bound; the
// rest are counted waiting, and none is left counted after.
func TestMaxConcurrent(t *testing.T) {
	SetMaxConcurrent(2)
	defer SetMaxConcurrent(0)
	h := fastHash(t)
	var peak, peakWaiting atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			default:
				running, waiting, bound := Load()
				if bound != 2 {
					t.Errorf("Load's bound %d, set 2", bound)
					return
				}
				if n := int64(running); n > peak.Load() {
					peak.Store(n)
				}
				if n := int64(waiting); n > peakWaiting.Load() {
					peakWaiting.Store(n)
				}
			}
		}
	}()
	// The checks start together: 14 of them must wait for the first two.
	start := make(chan struct{})
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := Check(h, "wrong"); err != ErrMismatch {
				t.Error(err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(stop)
	<-sampled
	if p := peak.Load(); p > 2 || p < 1 {
		t.Fatalf("peak %d hashes at once, bound 2", p)
	}
	if peakWaiting.Load() < 1 {
		t.Fatal("16 checks under a bound of 2, none seen waiting")
	}
	if running, waiting, _ := Load(); running != 0 || waiting != 0 {
		t.Fatalf("after the checks: %d running, %d waiting", running, waiting)
	}
	if MaxConcurrent() != 2 {
		t.Fatal(MaxConcurrent())
	}
}

// The memory the running hashes hold is told at each start and end, one
// step at a time: never more than the bound's worth, and nothing once
// they are done.
func TestObserveMemory(t *testing.T) {
	SetMaxConcurrent(2)
	defer SetMaxConcurrent(0)
	h := fastHash(t)
	var seen []int64
	if prev := ObserveMemory(func(b int64) { seen = append(seen, b) }); prev != nil {
		t.Fatal("an observer was set before the test")
	}
	defer ObserveMemory(nil)
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := Check(h, "wrong"); err != ErrMismatch {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	ObserveMemory(nil)
	const one = 1024 << 10
	// Told once at once (0), then a start and an end for each check.
	if len(seen) != 1+2*16 || seen[0] != 0 || seen[len(seen)-1] != 0 {
		t.Fatalf("observed %v", seen)
	}
	for i := 1; i < len(seen); i++ {
		if d := seen[i] - seen[i-1]; (d != one && d != -one) || seen[i] < 0 || seen[i] > 2*one {
			t.Fatalf("step %d: %d after %d bytes (a hash holds %d, two at once at most)", i, seen[i], seen[i-1], one)
		}
	}
}

// A check waiting for a place gives up when its caller does, hashing
// nothing and leaving no count behind; one whose caller has already gone
// does not wait at all.
func TestCheckGivesUpWaiting(t *testing.T) {
	SetMaxConcurrent(1)
	defer SetMaxConcurrent(0)
	h := fastHash(t)
	release, err := acquire(context.Background(), 1024) // the one place, held
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- CheckContext(ctx, h, "Correct-Horse-1") }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if _, waiting, _ := Load(); waiting == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the check never waited for the place held")
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("a check given up while waiting: %v", err)
	}
	if running, waiting, _ := Load(); running != 1 || waiting != 0 {
		t.Fatalf("after it gave up: %d running (the place held), %d waiting", running, waiting)
	}
	release()
	if err := CheckContext(ctx, h, "Correct-Horse-1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("a check whose caller had gone: %v", err)
	}
	if err := CheckContext(context.Background(), h, "Correct-Horse-1"); err != nil {
		t.Fatalf("the right password once the place is free: %v", err)
	}
}

// fastHash hashes "Correct-Horse-1" with a 1 MiB, one-pass argon2id: quick
// to check, and it holds 1 MiB (1024 KiB) while it runs.
func fastHash(t *testing.T) string {
	t.Helper()
	h, err := HashWith("Correct-Horse-1", Params{Memory: 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
