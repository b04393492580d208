package sqlstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// backendPID runs a transaction and returns the PostgreSQL backend it ran
// on; fail makes it fail after reading it.
func backendPID(ctx context.Context, s *Store, fail error) (int, error) {
	var pid int
	err := s.InTx(ctx, func(et engine.Tx) error {
		if err := et.(*tx).conn.QueryRowContext(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		return fail
	})
	return pid, err
}

// The openings' transactions keep one connection, whatever else takes the
// pool's meanwhile; a second at the same time, and every other
// transaction, take one from the pool; a failed opening gives it back,
// and one whose backend was ended fails alone: the next gets another.
func TestOpeningsKeepTheirConnection(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, testsvc.PostgresURL(t), false)
	opening := engine.Rerunnable(ctx)

	first, err := backendPID(opening, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		// Other work holds pool connections between the openings.
		held, err := s.sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		other, err := backendPID(ctx, s, nil)
		if err != nil {
			t.Fatal(err)
		}
		if other == first {
			t.Errorf("round %d: a transaction that opens nothing ran on the openings' backend %d", i, first)
		}
		pid, err := backendPID(opening, s, nil)
		held.Close()
		if err != nil {
			t.Fatal(err)
		}
		if pid != first {
			t.Fatalf("round %d: an opening ran on backend %d, the first on %d", i, pid, first)
		}
	}

	// A second opening while the first holds the connection.
	err = s.InTx(opening, func(engine.Tx) error {
		pid, err := backendPID(opening, s, nil)
		if err == nil && pid == first {
			t.Errorf("two openings at once on one backend %d", pid)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	refused := errors.New("refused")
	if _, err := backendPID(opening, s, refused); !errors.Is(err, refused) {
		t.Fatalf("a failing opening: %v", err)
	}
	if s.openings.conn != nil {
		t.Error("a failed opening kept its connection")
	}
	pid, err := backendPID(opening, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.openings.conn == nil {
		t.Fatal("an opening that committed left no connection kept")
	}

	// The kept connection's backend ends (an administrator, a restart).
	var ended bool
	if err := s.db.Raw("SELECT pg_terminate_backend(?)", pid).Scan(&ended).Error; err != nil || !ended {
		t.Fatalf("pg_terminate_backend(%d): %v, %v", pid, ended, err)
	}
	if _, err := backendPID(opening, s, nil); err == nil {
		t.Fatal("an opening on an ended backend succeeded")
	}
	again, err := backendPID(opening, s, nil)
	if err != nil {
		t.Fatalf("the opening after an ended backend: %v", err)
	}
	if again == pid {
		t.Errorf("the opening after backend %d ended ran on it again", pid)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.openings.conn != nil {
		t.Error("Close left the openings' connection held")
	}
}

// In a pool too small to spare one, the openings keep no connection: an
// opening and then any other transaction run on the one connection of a
// pool of one.
func TestOpeningsKeepNoConnectionOfASmallPool(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, testsvc.PostgresURL(t), Options{MaxOpenConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	opened, err := backendPID(engine.Rerunnable(ctx), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.openings.conn != nil {
		t.Fatal("an opening kept the only connection of the pool")
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	other, err := backendPID(wait, s, nil)
	if err != nil {
		t.Fatalf("a transaction after an opening, in a pool of one: %v", err)
	}
	if other != opened {
		t.Errorf("a pool of one ran on backends %d and %d", opened, other)
	}
}
