package api

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/parkfin/parkfin/engine"
)

// SignInLimits bound password attempts, per account and per client
// address, as token buckets: Burst attempts at once, then one every Every.
type SignInLimits struct {
	AccountEvery time.Duration
	AccountBurst int
	AddressEvery time.Duration
	AddressBurst int
}

func (l SignInLimits) withDefaults() SignInLimits {
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

// signInLimiter keeps one token bucket per account and per address. The
// buckets live in this process: behind several replicas the limit is per
// replica.
type signInLimiter struct {
	limits   SignInLimits
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

func newSignInLimiter(l SignInLimits) *signInLimiter {
	return &signInLimiter{limits: l.withDefaults(), accounts: map[string]*bucket{}, address: map[string]*bucket{}}
}

// allow takes one attempt from the account's and the address's buckets, or
// returns a rate_limited error that says when to retry.
func (s *signInLimiter) allow(account, addr string, now time.Time) error {
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
	return &rateLimited{err: engine.Errorf(engine.ERATELIMITED,
		"登录尝试过于频繁，请 %d 秒后再试。", "Too many sign-in attempts; try again in %d seconds.", secs), retryAfter: secs}
}

func (s *signInLimiter) take(m map[string]*bucket, key string, every rate.Limit, burst int, now time.Time) *rate.Reservation {
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
