package redistimer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/timerscore"
)

// Schedule adds timers, or moves them to their new due time, in one
// MULTI/EXEC round trip whatever their number (one ZADD, one ZREM, one
// HSET, and a PUBLISH that wakes the workers of every process). A timer that is claimed goes back to waiting with the new due
// time: its lease no longer holds it, and the worker holding it finds its
// Ack ignored, so a re-armed timer is not lost. When an ID appears more than
// once, the last ref wins. Refs are checked before anything is written: an
// empty ID or a due time that is zero or outside the years 1685 to 2255
// rejects the whole call.
func (x *Index) Schedule(ctx context.Context, refs ...engine.TimerRef) error {
	if len(refs) == 0 {
		return nil
	}
	members := make([]redis.Z, len(refs))
	ids := make([]any, len(refs))
	dues := make([]any, 0, 2*len(refs))
	earliest := refs[0].DueAt
	for i, ref := range refs {
		if ref.DueAt.Before(earliest) {
			earliest = ref.DueAt
		}
		if ref.ID == "" {
			return errors.New("redistimer: timer with an empty ID")
		}
		if err := timerscore.Check("redistimer: due time of "+ref.ID, ref.DueAt); err != nil {
			return err
		}
		members[i] = redis.Z{Score: float64(timerscore.Due(ref.DueAt)), Member: ref.ID}
		ids[i] = ref.ID
		dues = append(dues, ref.ID, encodeDue(ref.DueAt))
	}
	_, err := x.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, x.keys.waiting, members...)
		p.ZRem(ctx, x.keys.claimed, ids...)
		p.HSet(ctx, x.keys.due, dues...)
		// Workers of every process wake at once rather than at their next
		// poll: a timer armed by a CLI command or a serve without a worker
		// is looked at within milliseconds.
		// The message is the earliest due time: a worker that looks
		// before it anyway need not wake (Worker.WakeFor).
		p.Publish(ctx, x.keys.wake, earliest.UTC().Format(time.RFC3339Nano))
		return nil
	})
	return wrap("schedule", err)
}

// Remove drops timers, waiting or claimed, in one MULTI/EXEC. Unknown IDs
// are ignored.
func (x *Index) Remove(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	members := idArgs(ids)
	_, err := x.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, x.keys.waiting, members...)
		p.ZRem(ctx, x.keys.claimed, members...)
		p.HDel(ctx, x.keys.due, ids...)
		return nil
	})
	return wrap("remove", err)
}

// Ack drops the claims on timers that fired. An ID that is not claimed is
// left alone: it is either gone already or was scheduled again since it was
// claimed, and that newer due time must survive.
func (x *Index) Ack(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	return wrap("ack", ackScript.Run(ctx, x.client, []string{x.keys.claimed, x.keys.due}, idArgs(ids)...).Err())
}

// Release puts claimed timers back to waiting at their due time, which has
// passed, so the next Claim may take them at once. IDs that are not claimed
// are left alone.
func (x *Index) Release(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	return wrap("release", releaseScript.Run(ctx, x.client, x.keys.all(), idArgs(ids)...).Err())
}

// idArgs returns ids as command or script arguments.
func idArgs(ids []string) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// wrap names the operation in a Redis error, or returns nil.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("redistimer: %s: %w", op, err)
}
