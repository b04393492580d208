package memtimer

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/timerscore"
)

// Claim takes up to limit timers and leases them until now+lease: first
// claimed timers whose lease expired at or before now (a worker died with
// them), by lease expiry, then waiting timers due at or before now, by due
// time. A due time counts as its microsecond rounded up and now as its
// microsecond rounded down, so no timer is claimed before its due instant.
// The batch is returned ordered by due time, then ID, with the due times the
// timers were scheduled with. A limit of zero or less claims nothing; a
// lease that is not positive is an error.
func (x *Index) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]engine.TimerRef, error) {
	if none, err := timerscore.CheckClaim("memtimer", now, limit, lease); none {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	at := timerscore.Now(now)
	expiry := at + timerscore.Lease(lease)

	x.mu.Lock()
	taken := x.claimed.popUpTo(at, limit, nil)
	taken = x.waiting.popUpTo(at, limit-len(taken), taken)
	refs := make([]engine.TimerRef, len(taken))
	for i, e := range taken {
		e.claimed, e.key = true, expiry
		x.claimed.push(e)
		refs[i] = engine.TimerRef{ID: e.id, DueAt: e.due}
	}
	x.mu.Unlock()

	slices.SortFunc(refs, func(a, b engine.TimerRef) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return refs, nil
}
