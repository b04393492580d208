package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// keptStores opens two stores on one fresh PostgreSQL database, as two
// processes would, with the demonstration directory.
func keptStores(t *testing.T) (a, b *sqlstore.Store) {
	t.Helper()
	url := testsvc.PostgresURL(t)
	same := testsvc.Database{Name: "postgres", URL: func(testing.TB) string { return url }}
	return mustDemoStore(t, same), MustStore(t, same)
}

// lastNumber is the prefix's counter as the database holds it.
func lastNumber(t *testing.T, s *sqlstore.Store, prefix string) int {
	t.Helper()
	var last int
	if err := s.DB().Raw("SELECT last FROM case_numbers WHERE prefix = ?", prefix).Scan(&last).Error; err != nil {
		t.Fatal(err)
	}
	return last
}

// A transaction that may be run again answers the directory from what the
// store kept; when the directory changed meanwhile (here another
// process renamed a park), its first statement finds out, and it is run
// again on what the database holds — the first attempt leaving nothing.
func TestKeptDirectoryIsChecked(t *testing.T) {
	ctx := engine.Rerunnable(context.Background())
	a, b := keptStores(t)
	parks, err := a.Parks(ctx)
	if err != nil || len(parks) == 0 {
		t.Fatalf("parks %v, %v", parks, err)
	}
	p := parks[0]
	// The first read keeps the directory.
	if err := a.InTx(ctx, func(tx engine.Tx) error {
		_, err := tx.Park(ctx, p.Code)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := b.DB().Exec("UPDATE parks SET name = name || '（新）' WHERE code = ?", p.Code).Error; err != nil {
		t.Fatal(err)
	}
	var names []string
	var numbers []int
	err = a.InTx(ctx, func(tx engine.Tx) error {
		got, err := tx.Park(ctx, p.Code)
		if err != nil {
			return err
		}
		names = append(names, got.Name)
		n, err := tx.NextNumber(ctx, "KEPT-")
		if err == nil {
			numbers = append(numbers, n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{p.Name, p.Name + "（新）"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Fatalf("attempts read the park as %q, want %q", names, want)
	}
	if fmt.Sprint(numbers) != "[1]" || lastNumber(t, a, "KEPT-") != 1 {
		t.Fatalf("numbers taken %v, counter %d: the first attempt must leave nothing", numbers, lastNumber(t, a, "KEPT-"))
	}
	// Read afresh, the directory is kept again: the next transaction
	// answers from it at once.
	names = nil
	if err := a.InTx(ctx, func(tx engine.Tx) error {
		got, err := tx.Park(ctx, p.Code)
		if err == nil {
			names = append(names, got.Name)
		}
		return err
	}); err != nil || fmt.Sprint(names) != fmt.Sprint([]string{p.Name + "（新）"}) {
		t.Fatalf("after the rename: %q, %v", names, err)
	}
}

// Two processes number the same prefix. Each keeps the counter as it left
// it; a number taken from what one kept after the other moved the counter
// is found out at the first statement and taken again, and that process
// then takes its numbers from the database for a while. Every number is
// given once, none skipped, and a transaction that is not marked
// rerunnable never answers from what was kept.
func TestKeptNumbersAcrossProcesses(t *testing.T) {
	ctx := engine.Rerunnable(context.Background())
	a, b := keptStores(t)
	const prefix = "KEPT-2026-"
	take := func(s *sqlstore.Store, ctx context.Context, n int) (attempts, last int) {
		t.Helper()
		err := s.InTx(ctx, func(tx engine.Tx) error {
			attempts++
			m, err := tx.NextNumbers(ctx, map[string]int{prefix: n})
			last = m[prefix]
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return attempts, last
	}
	check := func(what string, attempts, last, wantAttempts, wantLast int) {
		t.Helper()
		if attempts != wantAttempts || last != wantLast || lastNumber(t, a, prefix) != wantLast {
			t.Fatalf("%s: %d attempts, last %d, counter %d; want %d attempts, last %d",
				what, attempts, last, lastNumber(t, a, prefix), wantAttempts, wantLast)
		}
	}
	at, last := take(a, ctx, 2)
	check("a's first", at, last, 1, 2)
	at, last = take(a, ctx, 1)
	check("a from what it kept", at, last, 1, 3)
	at, last = take(b, ctx, 3)
	check("b", at, last, 1, 6)
	at, last = take(a, ctx, 1)
	check("a after b", at, last, 2, 7)
	at, last = take(b, context.Background(), 1)
	check("b, not rerunnable", at, last, 1, 8)
	at, last = take(b, ctx, 1)
	check("b from what it kept", at, last, 1, 9)
	// Numbers it kept having been taken elsewhere, a takes its next from
	// the database: b moved the counter on again meanwhile, and a's
	// first attempt holds.
	at, last = take(a, ctx, 1)
	check("a resting", at, last, 1, 10)

	// Both at once, many times: each number once, none skipped.
	var (
		mu    sync.Mutex
		given = map[int]bool{}
		wg    sync.WaitGroup
	)
	for _, s := range []*sqlstore.Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				// An attempt run again gave its numbers back: only the
				// committed attempt's count.
				var last int
				err := s.InTx(ctx, func(tx engine.Tx) error {
					m, err := tx.NextNumbers(ctx, map[string]int{prefix: 2})
					last = m[prefix]
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, n := range []int{last - 1, last} {
					if given[n] {
						t.Errorf("number %d given twice", n)
					}
					given[n] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	final := lastNumber(t, a, prefix)
	if final != 10+4*25*2 {
		t.Fatalf("counter at %d after 200 numbers from 10", final)
	}
	for n := 11; n <= final; n++ {
		if !given[n] {
			t.Fatalf("number %d never given", n)
		}
	}
}

// Numbers taken by a transaction that panicked or failed are not kept: the
// next transaction takes the same numbers again, at the first attempt.
func TestKeptNumbersOnlyWhenCommitted(t *testing.T) {
	ctx := engine.Rerunnable(context.Background())
	a, _ := keptStores(t)
	const prefix = "KEPT-FAIL-"
	take := func(n int) (attempts, last int) {
		t.Helper()
		if err := a.InTx(ctx, func(tx engine.Tx) error {
			attempts++
			m, err := tx.NextNumbers(ctx, map[string]int{prefix: n})
			last = m[prefix]
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return attempts, last
	}
	if at, last := take(1); at != 1 || last != 1 {
		t.Fatalf("first: %d attempts, last %d", at, last)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		_ = a.InTx(ctx, func(tx engine.Tx) error {
			if _, err := tx.NextNumbers(ctx, map[string]int{prefix: 5}); err != nil {
				return err
			}
			panic("an opening's rules failed")
		})
	}()
	if at, last := take(1); at != 1 || last != 2 || lastNumber(t, a, prefix) != 2 {
		t.Fatalf("after a panic: %d attempts, last %d, counter %d; want 1, 2, 2", at, last, lastNumber(t, a, prefix))
	}
	err := a.InTx(ctx, func(tx engine.Tx) error {
		if _, err := tx.NextNumbers(ctx, map[string]int{prefix: 7}); err != nil {
			return err
		}
		return fmt.Errorf("refused")
	})
	if err == nil {
		t.Fatal("the failing transaction committed")
	}
	if at, last := take(1); at != 1 || last != 3 || lastNumber(t, a, prefix) != 3 {
		t.Fatalf("after a failure: %d attempts, last %d, counter %d; want 1, 3, 3", at, last, lastNumber(t, a, prefix))
	}
}
