package engine_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// lateness is the no-op timer handler of the worker benchmarks. It knows the
// due instant of every timer the benchmark scheduled and records, for each,
// how long after that instant the worker handed it over (by the wall clock),
// whether that was before it was due, and whether it came more than once.
type lateness struct {
	mu      sync.Mutex
	due     map[string]time.Time
	late    []time.Duration
	early   []string
	unknown int
	last    time.Time
	want    int
	done    chan struct{}
	// probes are timers outside the sample: handling one closes its
	// channel (a sign the worker is up and claiming).
	probes map[string]chan struct{}
}

// newLateness returns a recorder that closes Done once want timers were
// handled.
func newLateness(want int) *lateness {
	return &lateness{due: make(map[string]time.Time, want), want: want, done: make(chan struct{}),
		probes: make(map[string]chan struct{})}
}

// probe returns a channel closed when the timer id is handled; that timer
// is not part of the sample.
func (l *lateness) probe(id string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan struct{})
	l.probes[id] = ch
	return ch
}

// expect records the due instant of a timer about to be scheduled.
func (l *lateness) expect(id string, due time.Time) {
	l.mu.Lock()
	l.due[id] = due
	l.mu.Unlock()
}

// handle is an engine.WorkerConfig Handler that does no work beyond
// recording when it was called.
func (l *lateness) handle(_ context.Context, id string) (bool, error) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if ch, ok := l.probes[id]; ok {
		delete(l.probes, id)
		close(ch)
		return true, nil
	}
	due, ok := l.due[id]
	if !ok {
		// Not expected, or delivered a second time.
		l.unknown++
		return false, nil
	}
	delete(l.due, id)
	if now.Before(due) {
		l.early = append(l.early, id)
	}
	l.late = append(l.late, now.Sub(due))
	if now.After(l.last) {
		l.last = now
	}
	if len(l.late) == l.want {
		close(l.done)
	}
	return true, nil
}

// wait waits until every expected timer was handled, failing the benchmark
// after timeout.
func (l *lateness) wait(b *testing.B, timeout time.Duration) {
	b.Helper()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-l.done:
	case <-t.C:
		l.mu.Lock()
		defer l.mu.Unlock()
		b.Fatalf("after %v, %d of %d timers were handled", timeout, len(l.late), l.want)
	}
}

// check fails the benchmark if a timer was handled before its due instant
// or more than once.
func (l *lateness) check(b *testing.B) {
	b.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.early) > 0 {
		b.Fatalf("%d timers were handled before they were due (first %s)", len(l.early), l.early[0])
	}
	if l.unknown > 0 {
		b.Fatalf("%d handler calls for timers handled already or never scheduled", l.unknown)
	}
}

// sample returns the recorded lateness values, sorted.
func (l *lateness) sample() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := slices.Clone(l.late)
	slices.Sort(s)
	return s
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of a
// sorted sample.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// reportLateness reports p50, p99 and max of a sorted sample in
// milliseconds.
func reportLateness(b *testing.B, sorted []time.Duration) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(sorted, 50)), "late-p50-ms")
	b.ReportMetric(ms(percentile(sorted, 99)), "late-p99-ms")
	b.ReportMetric(ms(percentile(sorted, 100)), "late-max-ms")
}
