package redistimer_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/engine/timerindextest"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// newIndex returns an index on the test Redis under a prefix of its own.
func newIndex(t testing.TB) (*redistimer.Index, redis.UniversalClient, string) {
	t.Helper()
	client := testsvc.Redis(t)
	prefix := testsvc.RedisPrefix(t, client)
	return redistimer.New(client, redistimer.Options{Prefix: prefix}), client, prefix
}

func TestIndex(t *testing.T) {
	timerindextest.Exercise(t, func(t *testing.T) engine.TimerIndex {
		x, _, _ := newIndex(t)
		return x
	})
}

// TestKeys checks the index keeps to its three keys, all under the hash tag
// of its prefix, and leaves nothing behind once empty.
func TestKeys(t *testing.T) {
	ctx := context.Background()
	x, client, prefix := newIndex(t)
	t0 := timerindextest.T0
	if err := x.Schedule(ctx, engine.TimerRef{ID: "a", DueAt: t0}, engine.TimerRef{ID: "b", DueAt: t0}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Claim(ctx, t0, 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	keys, err := client.Keys(ctx, "*"+prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"{" + prefix + "}:timers:waiting": true,
		"{" + prefix + "}:timers:claimed": true,
		"{" + prefix + "}:timers:due":     true,
	}
	if len(keys) != len(want) {
		t.Fatalf("keys = %v, want %v", keys, want)
	}
	for _, k := range keys {
		if !want[k] {
			t.Fatalf("unexpected key %q", k)
		}
	}
	if err := x.Remove(ctx, "a", "b"); err != nil {
		t.Fatal(err)
	}
	if n, err := client.Exists(ctx, keys...).Result(); err != nil || n != 0 {
		t.Fatalf("%d keys left after removing every timer (%v)", n, err)
	}
}

// TestScriptCacheFlushed checks the scripts are loaded again after the
// server forgets them (a restart, a failover, SCRIPT FLUSH).
func TestScriptCacheFlushed(t *testing.T) {
	ctx := context.Background()
	x, client, _ := newIndex(t)
	t0 := timerindextest.T0
	if err := x.Schedule(ctx, engine.TimerRef{ID: "a", DueAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	refs, err := x.Claim(ctx, t0, 10, time.Minute)
	if err != nil || len(refs) != 1 {
		t.Fatalf("Claim after SCRIPT FLUSH = %v, %v", refs, err)
	}
	if err := client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := x.Release(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := client.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := x.Ack(ctx, "a"); err != nil {
		t.Fatal(err)
	}
}

// TestMissingDueValue checks a timer whose due entry was lost (someone
// deleted the hash) is still claimed, as due now, and released as due.
func TestMissingDueValue(t *testing.T) {
	ctx := context.Background()
	x, client, prefix := newIndex(t)
	t0 := timerindextest.T0
	if err := x.Schedule(ctx, engine.TimerRef{ID: "a", DueAt: t0.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := client.Del(ctx, "{"+prefix+"}:timers:due").Err(); err != nil {
		t.Fatal(err)
	}
	refs, err := x.Claim(ctx, t0, 10, time.Minute)
	if err != nil || len(refs) != 1 || !refs[0].DueAt.Equal(t0) {
		t.Fatalf("Claim = %v, %v; want a due at %s", refs, err, t0)
	}
	if err := x.Release(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	refs, err = x.Claim(ctx, t0, 10, time.Minute)
	if err != nil || len(refs) != 1 || !refs[0].DueAt.Equal(t0) {
		t.Fatalf("Claim after Release = %v, %v; want a due at %s", refs, err, t0)
	}
}

func TestNewRejectsBraces(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New with a brace in the prefix did not panic")
		}
	}()
	redistimer.New(nil, redistimer.Options{Prefix: "a{b}"})
}
