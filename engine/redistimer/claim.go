package redistimer

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/timerscore"
)

// Claim takes up to limit timers and leases them until now+lease, in one
// Lua script: first claimed timers whose lease expired at or before now (a
// worker died with them), by lease expiry, then waiting timers due at or
// before now, by due time. A due time counts as its microsecond rounded up
// and now as its microsecond rounded down, so no timer is claimed before its
// due instant. The batch is returned ordered by due time, then ID, with the
// exact due times the timers were scheduled with. A limit of zero or less
// claims nothing; a lease that is not positive is an error.
func (x *Index) Claim(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]engine.TimerRef, error) {
	if none, err := timerscore.CheckClaim("redistimer", now, limit, lease); none {
		return nil, err
	}
	at := timerscore.Now(now)
	reply, err := claimScript.Run(ctx, x.client, x.keys.all(), at, limit, at+timerscore.Lease(lease)).StringSlice()
	if err != nil {
		return nil, wrap("claim", err)
	}
	refs := make([]engine.TimerRef, 0, len(reply)/2)
	for i := 0; i+1 < len(reply); i += 2 {
		due, err := decodeDue(reply[i+1])
		if err != nil {
			// Claimed all the same: it fires now, the row knows better.
			due = time.UnixMicro(at).UTC()
		}
		refs = append(refs, engine.TimerRef{ID: reply[i], DueAt: due})
	}
	slices.SortFunc(refs, func(a, b engine.TimerRef) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return refs, nil
}
