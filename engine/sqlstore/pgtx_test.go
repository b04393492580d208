package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/demo"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// On PostgreSQL a transaction begins with its first statement (with the
// directory's read, in the same message) and commits with its last. Each
// way a transaction can end leaves its one connection out of any
// transaction: after an error returned, a panic, a failure at COMMIT
// itself (a deferred foreign key) and a commit, a row written on that
// connection without a transaction is seen at once from another
// connection, which it would not be were the connection still inside
// one; and it is the same connection, rolled back rather than thrown
// away.
func TestTransactionsLeaveTheirConnectionIdle(t *testing.T) {
	ctx := context.Background()
	url := testsvc.PostgresURL(t)
	s, err := sqlstore.Open(ctx, url, sqlstore.Options{MaxOpenConns: 1, LedgerKeys: testsvc.LedgerKeys()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, demoNow); err != nil {
		t.Fatal(err)
	}
	parks, err := s.Parks(ctx)
	if err != nil || len(parks) == 0 {
		t.Fatalf("parks %v, %v", parks, err)
	}
	other, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	backend := func() int {
		t.Helper()
		var pid int
		if err := s.DB().WithContext(ctx).Raw("SELECT pg_backend_pid()").Scan(&pid).Error; err != nil {
			t.Fatal(err)
		}
		return pid
	}
	pid := backend()
	idle := func(after string) {
		t.Helper()
		if got := backend(); got != pid {
			t.Fatalf("after %s the store talks to backend %d, not %d: its connection was dropped", after, got, pid)
		}
		prefix := "IDLE-" + uuid.NewString() + "-"
		// Through the store's only connection, outside any transaction
		// of the store's.
		if err := s.DB().WithContext(ctx).Exec("INSERT INTO case_numbers (prefix, last) VALUES (?, 1)", prefix).Error; err != nil {
			t.Fatalf("after %s: %v", after, err)
		}
		var n int
		if err := other.QueryRowContext(ctx, "SELECT count(*) FROM case_numbers WHERE prefix = $1", prefix).Scan(&n); err != nil || n != 1 {
			t.Fatalf("after %s, a row written on the store's connection is seen %d times from another (%v): the connection was left inside a transaction", after, n, err)
		}
	}
	counter := func(prefix string) int {
		t.Helper()
		var n int
		err := other.QueryRowContext(ctx, "SELECT coalesce(max(last), 0) FROM case_numbers WHERE prefix = $1", prefix).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	boom := errors.New("boom")
	err = s.InTx(ctx, func(tx engine.Tx) error {
		if _, err := tx.Park(ctx, parks[0].Code); err != nil {
			return err
		}
		if _, err := tx.NextNumber(ctx, "END-ERR-"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx returned %v, want the function's error", err)
	}
	if n := counter("END-ERR-"); n != 0 {
		t.Fatalf("a number taken in a failed transaction stayed: %d", n)
	}
	idle("an error")

	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		_ = s.InTx(ctx, func(tx engine.Tx) error {
			if _, err := tx.Park(ctx, parks[0].Code); err != nil {
				return err
			}
			if _, err := tx.NextNumber(ctx, "END-PANIC-"); err != nil {
				return err
			}
			panic("in the middle of a transaction")
		})
	}()
	if n := counter("END-PANIC-"); n != 0 {
		t.Fatalf("a number taken in a panicking transaction stayed: %d", n)
	}
	idle("a panic")

	// A timer of no case passes its statement (the foreign key is checked
	// at the commit) and fails the COMMIT sent with it.
	id, _ := uuid.NewV7()
	orphan := &engine.Timer{ID: id.String(), CaseID: "no-such-case", Name: "limit", Event: "breach", Kind: engine.TimerDeadline,
		DueAt: t0.Add(time.Hour), Status: engine.TimerPending, CreatedAt: t0, UpdatedAt: t0}
	err = s.InTx(ctx, func(tx engine.Tx) error {
		if _, err := tx.Park(ctx, parks[0].Code); err != nil {
			return err
		}
		if _, err := tx.NextNumber(ctx, "END-COMMIT-"); err != nil {
			return err
		}
		return tx.InsertTimer(ctx, orphan)
	})
	if err == nil {
		t.Fatal("a timer of no case committed")
	}
	if n := counter("END-COMMIT-"); n != 0 {
		t.Fatalf("a number taken in a transaction failing at COMMIT stayed: %d", n)
	}
	var timers int
	if err := other.QueryRowContext(ctx, "SELECT count(*) FROM timers WHERE id = $1", orphan.ID).Scan(&timers); err != nil || timers != 0 {
		t.Fatalf("the orphan timer: %d rows (%v)", timers, err)
	}
	idle("a failed commit")

	err = s.InTx(ctx, func(tx engine.Tx) error {
		if _, err := tx.Park(ctx, parks[0].Code); err != nil {
			return err
		}
		_, err := tx.NextNumber(ctx, "END-OK-")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := counter("END-OK-"); n != 1 {
		t.Fatalf("a committed number: %d, want 1", n)
	}
	idle("a commit")
}
