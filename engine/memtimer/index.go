// Package memtimer is the in-process engine.TimerIndex of the embedded,
// single-process mode: a min-heap of waiting timers by due time, a min-heap
// of claimed timers by lease expiry and a map from ID to entry, behind one
// mutex. Every operation costs O(log n) per timer.
//
// It follows the same rules as engine/redistimer, checked by the shared
// suite in engine/timerindextest: due times are compared in whole
// microseconds (a due time is rounded up, now is rounded down, so nothing is
// claimed early), Claim takes expired leases before waiting timers, Ack only
// drops claims, and Schedule moves a claimed timer back to waiting.
//
// The index lives and dies with the process; the reconciler refills it from
// the timer rows at start.
package memtimer

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/timerscore"
)

// Index is an in-process engine.TimerIndex. Its zero value is not ready:
// use New. It is safe for concurrent use.
type Index struct {
	mu      sync.Mutex
	byID    map[string]*entry
	waiting queue
	claimed queue
}

var _ engine.TimerIndex = (*Index)(nil)

// New returns an empty index.
func New() *Index {
	return &Index{byID: make(map[string]*entry)}
}

// Schedule adds timers, or moves them to their new due time. A timer that
// is claimed goes back to waiting with the new due time, so a re-armed timer
// is not lost when the worker holding the old claim acks it. When an ID
// appears more than once, the last ref wins. Refs are checked before any is
// applied: an empty ID or a due time that is zero or beyond the year 2255
// rejects the whole call.
func (x *Index) Schedule(ctx context.Context, refs ...engine.TimerRef) error {
	if len(refs) == 0 {
		return nil
	}
	for _, ref := range refs {
		if ref.ID == "" {
			return errors.New("memtimer: timer with an empty ID")
		}
		if err := timerscore.Check("memtimer: due time of "+ref.ID, ref.DueAt); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, ref := range refs {
		x.schedule(ref)
	}
	return nil
}

func (x *Index) schedule(ref engine.TimerRef) {
	due := ref.DueAt.UTC()
	key := timerscore.Due(due)
	e := x.byID[ref.ID]
	switch {
	case e == nil:
		e = &entry{id: ref.ID}
		x.byID[ref.ID] = e
	case e.claimed:
		x.unlink(e)
	default:
		e.due, e.dueKey, e.key = due, key, key
		x.waiting.fix(e)
		return
	}
	e.due, e.dueKey, e.key, e.claimed = due, key, key, false
	x.waiting.push(e)
}

// Ack drops the claims on timers that fired. An ID that is not claimed is
// left alone: it is either gone already or was scheduled again since it was
// claimed, and that newer due time must survive.
func (x *Index) Ack(ctx context.Context, ids ...string) error {
	return x.each(ctx, ids, func(e *entry) {
		if e.claimed {
			x.unlink(e)
			delete(x.byID, e.id)
		}
	})
}

// Release puts claimed timers back to waiting at their due time, which has
// passed, so the next Claim may take them at once. IDs that are not claimed
// are left alone.
func (x *Index) Release(ctx context.Context, ids ...string) error {
	return x.each(ctx, ids, func(e *entry) {
		if e.claimed {
			x.unlink(e)
			e.claimed, e.key = false, e.dueKey
			x.waiting.push(e)
		}
	})
}

// Remove drops timers, waiting or claimed. Unknown IDs are ignored.
func (x *Index) Remove(ctx context.Context, ids ...string) error {
	return x.each(ctx, ids, func(e *entry) {
		x.unlink(e)
		delete(x.byID, e.id)
	})
}

// each runs fn under the lock on the entry of every known ID.
func (x *Index) each(ctx context.Context, ids []string, fn func(*entry)) error {
	if len(ids) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, id := range ids {
		if e := x.byID[id]; e != nil {
			fn(e)
		}
	}
	return nil
}

// unlink takes e out of the queue it is in; the map is left to the caller.
func (x *Index) unlink(e *entry) {
	if e.claimed {
		x.claimed.remove(e)
	} else {
		x.waiting.remove(e)
	}
}

// Next returns the earliest due time of a waiting timer or lease expiry of a
// claimed one, in whole microseconds, or ok=false when the index is empty.
func (x *Index) Next(ctx context.Context) (time.Time, bool, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, false, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	w, wok := x.waiting.head()
	c, cok := x.claimed.head()
	switch {
	case wok && cok:
		return time.UnixMicro(min(w, c)).UTC(), true, nil
	case wok:
		return time.UnixMicro(w).UTC(), true, nil
	case cok:
		return time.UnixMicro(c).UTC(), true, nil
	}
	return time.Time{}, false, nil
}

// IDs lists every timer in the index, waiting or claimed, in no order.
func (x *Index) IDs(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	ids := make([]string, 0, len(x.byID))
	for id := range x.byID {
		ids = append(ids, id)
	}
	return ids, nil
}

// Differ returns the refs the index does not hold with the same due time,
// waiting or claimed: those Schedule would change.
func (x *Index) Differ(refs []engine.TimerRef) []engine.TimerRef {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []engine.TimerRef
	for _, ref := range refs {
		e := x.byID[ref.ID]
		if e == nil || e.dueKey != timerscore.Due(ref.DueAt.UTC()) {
			out = append(out, ref)
		}
	}
	return out
}
