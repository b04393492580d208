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
	case due := <-ch:
		if !due.Equal(timerindextest.T0) {
			t.Fatalf("wake-up told due %v, want %v", due, timerindextest.T0)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up within 5s of a Schedule by another client")
	}
	select {
	case <-ch:
		t.Fatal("a second wake-up for one Schedule (or one from another prefix)")
	case <-time.After(200 * time.Millisecond):
	}
	// Wake-ups that arrive while one waits fold into it, keeping the
	// earliest due time.
	later, earlier := timerindextest.T0.Add(time.Hour), timerindextest.T0.Add(time.Minute)
	for _, ref := range []engine.TimerRef{{ID: "b", DueAt: later}, {ID: "c", DueAt: earlier}, {ID: "d", DueAt: later}} {
		if err := other.Schedule(ctx, ref); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(300 * time.Millisecond)
	select {
	case due := <-ch:
		if !due.Equal(earlier) {
			t.Fatalf("folded wake-ups told due %v, want the earliest %v", due, earlier)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no wake-up for three Schedules")
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
