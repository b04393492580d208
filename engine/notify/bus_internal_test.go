package notify

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// A dispatcher wakes on the wake-ups other processes publish, not on its
// own: its Wake signalled it already, and a second look would find the
// outbox empty.
func TestBusSkipsOwnWakeUps(t *testing.T) {
	client := testsvc.Redis(t)
	prefix := testsvc.RedisPrefix(t, client)
	s := &Service{cfg: Config{Redis: client, RedisPrefix: prefix, Poll: time.Hour}, wake: make(chan struct{}, 1),
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), id: "ours"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.runBus(ctx) }()
	defer func() { cancel(); <-done }()
	select {
	case <-s.wake: // subscribed: it looks once for what it missed
	case <-time.After(10 * time.Second):
		t.Fatal("the bus did not subscribe")
	}
	if err := client.Publish(ctx, s.wakeChannel(), "ours").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.wake:
		t.Fatal("woken by its own wake-up")
	case <-time.After(300 * time.Millisecond):
	}
	if err := client.Publish(ctx, s.wakeChannel(), "theirs").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.wake:
	case <-time.After(10 * time.Second):
		t.Fatal("not woken by another process's wake-up")
	}
}
