package api_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// A small load generator for the benchmarks: open loop (a fixed arrival
// rate, latency measured from each request's scheduled start, so a slow
// server cannot hide its queue) and closed loop (a fixed number of workers
// as fast as they can).

// loadResult is what a run measured.
type loadResult struct {
	Requests int
	Errors   int
	FirstErr string
	Elapsed  time.Duration
	lat      []time.Duration
}

// Rate is the completed requests per second.
func (r *loadResult) Rate() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// Pct returns the p-th percentile latency (0 < p ≤ 100).
func (r *loadResult) Pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	i := int(float64(len(r.lat))*p/100+0.5) - 1
	i = max(0, min(i, len(r.lat)-1))
	return r.lat[i]
}

func (r *loadResult) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f/s), %d errors, p50 %v, p99 %v, max %v",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.Rate(), r.Errors,
		r.Pct(50).Round(10*time.Microsecond), r.Pct(99).Round(10*time.Microsecond), r.Pct(100).Round(10*time.Microsecond))
}

// collector gathers latencies from many goroutines.
type collector struct {
	mu  sync.Mutex
	res loadResult
}

func (c *collector) add(d time.Duration, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.res.Requests++
	c.res.lat = append(c.res.lat, d)
	if err != nil {
		c.res.Errors++
		if c.res.FirstErr == "" {
			c.res.FirstErr = err.Error()
		}
	}
}

// openLoop starts fn rate times a second for dur, at most maxInFlight at
// once (beyond that a start waits, and the wait counts in its latency).
func openLoop(ctx context.Context, rate float64, dur time.Duration, maxInFlight int, fn func(i int) error) *loadResult {
	var (
		c     collector
		wg    sync.WaitGroup
		slots = make(chan struct{}, maxInFlight)
	)
	n := int(rate * dur.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	begin := time.Now()
	for i := 0; i < n && ctx.Err() == nil; i++ {
		at := begin.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		slots <- struct{}{}
		wg.Add(1)
		go func(i int, at time.Time) {
			defer wg.Done()
			defer func() { <-slots }()
			err := fn(i)
			c.add(time.Since(at), err)
		}(i, at)
	}
	wg.Wait()
	c.res.Elapsed = time.Since(begin)
	return &c.res
}

// closedLoop runs fn on workers goroutines back to back for dur.
func closedLoop(ctx context.Context, workers int, dur time.Duration, fn func(i int) error) *loadResult {
	var (
		c    collector
		wg   sync.WaitGroup
		next atomic.Int64
	)
	begin := time.Now()
	stop := begin.Add(dur)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) && ctx.Err() == nil {
				i := int(next.Add(1))
				t0 := time.Now()
				err := fn(i)
				c.add(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	c.res.Elapsed = time.Since(begin)
	return &c.res
}

// benchClient is an HTTP client that keeps enough idle connections for the
// load.
func benchClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute,
	}}
}
