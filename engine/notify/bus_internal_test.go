package notify

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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

// Wake-ups asked for in a stream go out at most one each wakeGap, and the
// last of them still goes out after the last commit asked for it.
func TestWakesSpacedLastAnnounced(t *testing.T) {
	s, msgs := publishingService(t)
	const wakes, every = 200, 250 * time.Microsecond
	began := time.Now()
	var last time.Time
	for i := 0; i < wakes; i++ {
		s.Wake()
		last = time.Now()
		time.Sleep(every)
	}
	spent := last.Sub(began)
	var got []time.Time
	for quiet := time.After(spent + 20*wakeGap); ; {
		select {
		case <-msgs:
			got = append(got, time.Now())
			continue
		case <-quiet:
		}
		break
	}
	if most := int(spent/wakeGap) + 2; len(got) < 1 || len(got) > most {
		t.Fatalf("%d wake-ups published for %d asked in %v, want 1 to %d", len(got), wakes, spent, most)
	}
	if !got[len(got)-1].After(last) {
		t.Errorf("the last wake-up was received at %v, before the last asked at %v", got[len(got)-1], last)
	}
}

// publishingService is a service that publishes its wake-ups on a real
// Redis (no dispatcher running), and the wake-ups it publishes as another
// process hears them.
func publishingService(t *testing.T) (*Service, <-chan *redis.Message) {
	t.Helper()
	client := testsvc.Redis(t)
	prefix := testsvc.RedisPrefix(t, client)
	s := &Service{cfg: Config{Redis: client, RedisPrefix: prefix, Poll: time.Hour}, wake: make(chan struct{}, 1),
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), id: "ours"}
	ctx := context.Background()
	sub := client.Subscribe(ctx, s.wakeChannel())
	t.Cleanup(func() { sub.Close() })
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	return s, sub.Channel()
}
