package password

import (
	"runtime"
	"sync"
)

// Each argon2id hash takes Default.Memory (19 MiB) while it runs. Hashing
// and checking run under one process-wide bound, so that a flood of
// sign-ins queues instead of exhausting memory: at most MaxConcurrent
// hashes at once (default twice the CPUs, at least 2: about 19 MiB each).
var (
	boundMu sync.Mutex
	bound   = make(chan struct{}, defaultConcurrent())
)

func defaultConcurrent() int { return max(2, 2*runtime.NumCPU()) }

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

// acquire waits for a place and returns the function that frees it.
func acquire() func() {
	boundMu.Lock()
	b := bound
	boundMu.Unlock()
	b <- struct{}{}
	return func() { <-b }
}

// running counts the hashes running now (for tests and metrics).
func running() int {
	boundMu.Lock()
	defer boundMu.Unlock()
	return len(bound)
}
