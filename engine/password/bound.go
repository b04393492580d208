package password

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// Each argon2id hash takes its Memory (19 MiB by default) while it runs.
// Hashing and checking run under one process-wide bound, so that a flood
// of sign-ins queues instead of exhausting memory or the cores: at most
// MaxConcurrent hashes at once, by default half the CPUs (at least one), so
// that the rest of the process — the case lists, the openings — keeps
// cores of its own while sign-ins queue.
var (
	boundMu sync.Mutex
	bound   = make(chan struct{}, defaultConcurrent())
	// queued counts the hashes waiting for a place.
	queued atomic.Int64

	// inUse is the memory the running hashes hold, in bytes, told to
	// observer at each change; both under inUseMu, so that the observer
	// sees the changes in order.
	inUseMu  sync.Mutex
	inUse    int64
	observer func(bytes int64)
)

func defaultConcurrent() int { return max(1, runtime.NumCPU()/2) }

// SetMaxConcurrent sets how many hashes may run at once (n < 1 means the
// default). Hashes running keep their place.
func SetMaxConcurrent(n int) {
	if n < 1 {
		n = defaultConcurrent()
	}
	boundMu.Lock()
	bound = make(chan struct{}, n)
	boundMu.Unlock()
}

// MaxConcurrent returns the bound in force.
func MaxConcurrent() int {
	boundMu.Lock()
	defer boundMu.Unlock()
	return cap(bound)
}

// ObserveMemory has fn told the memory the running hashes hold, in bytes,
// each time a hash starts or ends (and once now), one call at a time and
// in order; nil stops it. It returns the observer it replaces. A process
// that sets a soft memory limit makes room for that memory with it: the
// collector cannot free a hash's memory while it runs.
func ObserveMemory(fn func(bytes int64)) (replaced func(bytes int64)) {
	inUseMu.Lock()
	defer inUseMu.Unlock()
	replaced, observer = observer, fn
	if fn != nil {
		fn(inUse)
	}
	return replaced
}

// hold adds delta bytes to the memory the running hashes hold.
func hold(delta int64) {
	inUseMu.Lock()
	defer inUseMu.Unlock()
	inUse += delta
	if observer != nil {
		observer(inUse)
	}
}

// acquire waits for a place for a hash of memKiB KiB, or until ctx ends,
// and returns the function that frees it.
func acquire(ctx context.Context, memKiB uint32) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	boundMu.Lock()
	b := bound
	boundMu.Unlock()
	select {
	case b <- struct{}{}:
	default:
		queued.Add(1)
		select {
		case b <- struct{}{}:
			queued.Add(-1)
		case <-ctx.Done():
			queued.Add(-1)
			return nil, ctx.Err()
		}
	}
	bytes := int64(memKiB) << 10
	hold(bytes)
	return func() {
		hold(-bytes)
		<-b
	}, nil
}

// Load reports the hashes running now, those waiting for a place, and the
// bound in force, in that order: a flood of sign-ins shows as hashes
// waiting while those running stay at the bound.
func Load() (int, int, int) {
	boundMu.Lock()
	b := bound
	boundMu.Unlock()
	return len(b), int(queued.Load()), cap(b)
}
