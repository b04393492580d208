package engine

import (
	"context"
	"time"
)

// TimerFeed is implemented by a Store that lists the pending timers armed
// or changed since an instant (engine/sqlstore, by the rows' update time).
type TimerFeed interface {
	PendingSince(ctx context.Context, since time.Time) ([]TimerRef, error)
}

// TimerDiffer is implemented by an index that tells which refs it does not
// already hold with the same due time (engine/memtimer).
type TimerDiffer interface {
	Differ(refs []TimerRef) []TimerRef
}

// followOverlap is how far back each look reaches behind the previous one:
// a transaction that stamped its rows just before a look may commit just
// after it.
const followOverlap = time.Second

// follow looks every cfg.Follow for timers that other processes armed or
// changed (the rows are the truth; an in-process index hears nothing of
// them), puts them in the index and wakes the worker. It returns when ctx
// is done.
func (w *Worker) follow(ctx context.Context, feed TimerFeed) {
	t := time.NewTicker(w.cfg.Follow)
	defer t.Stop()
	since := w.engine.clock.Now().Add(-followOverlap)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		look := w.engine.clock.Now()
		refs, err := feed.PendingSince(ctx, since)
		if err != nil {
			if ctx.Err() == nil {
				w.setStoreDown(err)
			}
			continue
		}
		since = look.Add(-followOverlap)
		if d, ok := w.index.(TimerDiffer); ok {
			refs = d.Differ(refs)
		}
		if len(refs) == 0 {
			continue
		}
		if err := w.index.Schedule(ctx, refs...); err != nil {
			w.setIndexDown(err)
			continue
		}
		w.Wake()
	}
}
