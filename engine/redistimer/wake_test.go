package redistimer_test

import (
	"context"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/redistimer"
	"github.com/parkfin/parkfin/engine/timerindextest"
	"github.com/parkfin/parkfin/internal/testsvc"
)

var _ engine.Waker = (*redistimer.Index)(nil)

// A Schedule by one process (here: another client) wakes the subscribers of
// the same prefix, and only them.
func TestWakeups(t *testing.T) {
	x, client, prefix := newIndex(t)
	other := redistimer.New(testsvc.Redis(t), redistimer.Options{Prefix: prefix})
	stranger := redistimer.New(client, redistimer.Options{Prefix: prefix + "-other"})
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := x.Wakeups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stranger.Schedule(ctx, engine.TimerRef{ID: "s", DueAt: timerindextest.T0}); err != nil {
		t.Fatal(err)
	}
	if err := other.Schedule(ctx, engine.TimerRef{ID: "a", DueAt: timerindextest.T0}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up within 5s of a Schedule by another client")
	}
	select {
	case <-ch:
		t.Fatal("a second wake-up for one Schedule (or one from another prefix)")
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	select {
	case _, ok := <-ch:
		if ok {
			t.Fatal("a wake-up after the subscription ended")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wake-up channel did not close with its context")
	}
}
