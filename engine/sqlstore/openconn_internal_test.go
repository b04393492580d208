package sqlstore

import (
	"context"
	"errors"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// backendPID runs a transaction and returns the PostgreSQL backend it ran
// on; fail makes it fail after reading it.
func backendPID(t *testing.T, s *Store, ctx context.Context, fail error) (int, error) {
	t.Helper()
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

	first, err := backendPID(t, s, opening, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		// Other work holds pool connections between the openings.
		held, err := s.sqlDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		other, err := backendPID(t, s, ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if other == first {
			t.Errorf("round %d: a transaction that opens nothing ran on the openings' backend %d", i, first)
		}
		pid, err := backendPID(t, s, opening, nil)
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
		pid, err := backendPID(t, s, opening, nil)
		if err == nil && pid == first {
			t.Errorf("two openings at once on one backend %d", pid)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	refused := errors.New("refused")
	if _, err := backendPID(t, s, opening, refused); !errors.Is(err, refused) {
		t.Fatalf("a failing opening: %v", err)
	}
	if s.openings.conn != nil {
		t.Error("a failed opening kept its connection")
	}
	pid, err := backendPID(t, s, opening, nil)
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
	if _, err := backendPID(t, s, opening, nil); err == nil {
		t.Fatal("an opening on an ended backend succeeded")
	}
	again, err := backendPID(t, s, opening, nil)
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
