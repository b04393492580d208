package signin

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parkfin/parkfin/engine"
)

// Limits bound password attempts, per account and per client address, as
// token buckets: Burst attempts at once, then one every Every.
type Limits struct {
	AccountEvery time.Duration
	AccountBurst int
	AddressEvery time.Duration
	AddressBurst int
}

func (l Limits) withDefaults() Limits {
	if l.AccountEvery <= 0 {
		l.AccountEvery = 12 * time.Second // 5 a minute
	}
	if l.AccountBurst <= 0 {
		l.AccountBurst = 5
	}
	if l.AddressEvery <= 0 {
		l.AddressEvery = 2 * time.Second // 30 a minute
	}
	if l.AddressBurst <= 0 {
		l.AddressBurst = 20
	}
	return l
}

// Limiter keeps one token bucket per account and per address. The buckets
// live in this process: behind several replicas the limit is per replica.
// The API and the web pages share one Limiter, so that an attacker gains
// nothing by switching between them.
type Limiter struct {
	limits   Limits
	mu       sync.Mutex
	accounts map[string]*bucket
	address  map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxBuckets caps each map; beyond it, buckets idle for ten minutes (full
// again by then) are dropped.
const maxBuckets = 10000

// NewLimiter returns a limiter with the limits; zero fields take defaults.
func NewLimiter(l Limits) *Limiter {
	return &Limiter{limits: l.withDefaults(), accounts: map[string]*bucket{}, address: map[string]*bucket{}}
}

// RateLimited is a rate_limited error that says when to try again.
type RateLimited struct {
	Err *engine.Error
	// RetryAfter is in whole seconds, at least 1.
	RetryAfter int
}

// Error returns the English message.
func (r *RateLimited) Error() string { return r.Err.Error() }

// Unwrap returns the domain error, so that its code and messages are found.
func (r *RateLimited) Unwrap() error { return r.Err }

// Allow takes one attempt from the account's and the address's buckets, or
// returns a *RateLimited error that says when to retry.
func (s *Limiter) Allow(account, addr string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.take(s.accounts, account, rate.Every(s.limits.AccountEvery), s.limits.AccountBurst, now)
	b := s.take(s.address, addr, rate.Every(s.limits.AddressEvery), s.limits.AddressBurst, now)
	if a.OK() && a.DelayFrom(now) == 0 && b.OK() && b.DelayFrom(now) == 0 {
		return nil
	}
	wait := max(a.DelayFrom(now), b.DelayFrom(now))
	a.CancelAt(now)
	b.CancelAt(now)
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &RateLimited{Err: engine.Errorf(engine.ERATELIMITED,
		"登录尝试过于频繁，请 %d 秒后再试。", "Too many sign-in attempts; try again in %d seconds.", secs), RetryAfter: secs}
}

func (s *Limiter) take(m map[string]*bucket, key string, every rate.Limit, burst int, now time.Time) *rate.Reservation {
	b := m[key]
	if b == nil {
		if len(m) >= maxBuckets {
			for k, v := range m {
				if now.Sub(v.seen) > 10*time.Minute {
					delete(m, k)
				}
			}
		}
		b = &bucket{lim: rate.NewLimiter(every, burst)}
		m[key] = b
	}
	b.seen = now
	return b.lim.ReserveN(now, 1)
}
