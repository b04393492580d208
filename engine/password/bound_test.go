package password

import (
	"sync"
	"sync/atomic"
	"testing"
)

// A flood of checks never runs more hashes at once than the bound.
func TestMaxConcurrent(t *testing.T) {
	SetMaxConcurrent(2)
	defer SetMaxConcurrent(0)
	h, err := HashWith("Correct-Horse-1", Params{Memory: 1024, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	var peak atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				if n := int64(running()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()
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
	close(stop)
	if p := peak.Load(); p > 2 || p < 1 {
		t.Fatalf("peak %d hashes at once, bound 2", p)
	}
	if MaxConcurrent() != 2 {
		t.Fatal(MaxConcurrent())
	}
}
