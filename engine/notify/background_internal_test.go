package notify

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/logsink"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Close waits for the directory's read in the background that a
// transaction asked for, and after it none starts: a process shutting
// down closes the database only once nothing of the service reads it.
func TestCloseEndsTheDirectoryRead(t *testing.T) {
	ctx := context.Background()
	store, err := sqlstore.Open(ctx, testsvc.PostgresURL(t), sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var logs logsink.Buffer
	s := New(Config{Store: store, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	s.refreshDirectory()
	if !s.refreshing.Load() {
		t.Fatal("no read of the directory started")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.refreshing.Load() {
		t.Fatal("Close returned while the directory was being read")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	s.refreshDirectory()
	if s.refreshing.Load() {
		t.Fatal("a read of the directory started after Close")
	}
	time.Sleep(200 * time.Millisecond)
	if out := logs.String(); out != "" {
		t.Fatalf("the service logged after Close, the database closed: %s", out)
	}
}

// Close ends a wake-up being published to the other processes; after it,
// Wake still wakes this process's dispatcher but publishes nothing.
func TestCloseEndsTheWakeUps(t *testing.T) {
	s, msgs := publishingService(t)
	s.Wake()
	s.Wake() // within wakeGap: the publisher goes round once more
	select {
	case <-msgs:
	case <-time.After(10 * time.Second):
		t.Fatal("no wake-up published")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s.pubMu.Lock()
	publishing := s.publishing
	s.pubMu.Unlock()
	if publishing {
		t.Fatal("Close returned while a wake-up was being published")
	}
	<-s.wake
	// Whatever the first publisher sent before Close is read; then
	// nothing more may come.
	for quiet := time.After(300 * time.Millisecond); ; {
		select {
		case <-msgs:
			continue
		case <-quiet:
		}
		break
	}
	s.Wake()
	select {
	case <-s.wake:
	default:
		t.Fatal("Wake after Close did not wake this process's dispatcher")
	}
	select {
	case m := <-msgs:
		t.Fatalf("a wake-up published after Close: %v", m)
	case <-time.After(300 * time.Millisecond):
	}
}

// A Wake just before Close is still announced to the other processes:
// the commit it follows was made.
func TestCloseSendsTheWakeUpUnderWay(t *testing.T) {
	s, msgs := publishingService(t)
	s.Wake()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-msgs:
	case <-time.After(5 * time.Second):
		t.Fatal("the wake-up asked for before Close was not published")
	}
}
