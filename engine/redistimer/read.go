package redistimer

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// Next returns the earliest due time of a waiting timer or lease expiry of a
// claimed one, in whole microseconds, or ok=false when the index is empty.
// It reads both sorted sets in one MULTI/EXEC.
func (x *Index) Next(ctx context.Context) (time.Time, bool, error) {
	var waiting, claimed *redis.ZSliceCmd
	_, err := x.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		waiting = p.ZRangeWithScores(ctx, x.keys.waiting, 0, 0)
		claimed = p.ZRangeWithScores(ctx, x.keys.claimed, 0, 0)
		return nil
	})
	if err != nil {
		return time.Time{}, false, wrap("next", err)
	}
	var (
		at int64
		ok bool
	)
	for _, z := range append(waiting.Val(), claimed.Val()...) {
		if us := int64(z.Score); !ok || us < at {
			at, ok = us, true
		}
	}
	if !ok {
		return time.Time{}, false, nil
	}
	return time.UnixMicro(at).UTC(), true, nil
}

// IDs lists every timer in the index, waiting (by due time) then claimed
// (by lease expiry), read in one MULTI/EXEC.
func (x *Index) IDs(ctx context.Context) ([]string, error) {
	var waiting, claimed *redis.StringSliceCmd
	_, err := x.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		waiting = p.ZRange(ctx, x.keys.waiting, 0, -1)
		claimed = p.ZRange(ctx, x.keys.claimed, 0, -1)
		return nil
	})
	if err != nil {
		return nil, wrap("ids", err)
	}
	return append(waiting.Val(), claimed.Val()...), nil
}
