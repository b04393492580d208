package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// The store's conformance suite, run on SQLite and on PostgreSQL alike:
// what the engine relies on, whichever database is behind it.
func TestStoreConformance(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			s := MustStore(t, db)
			t.Run("StaleVersionRefused", func(t *testing.T) { testStaleVersion(t, s) })
			t.Run("TimerStatusGuards", func(t *testing.T) { testTimerGuards(t, s) })
			t.Run("NumberingUnderConcurrency", func(t *testing.T) { testNumbering(t, s) })
			t.Run("Paging", func(t *testing.T) { testPaging(t, s) })
			t.Run("PartiesAndMarks", func(t *testing.T) { testPartiesAndMarks(t, s) })
			t.Run("NewCaseRepeatsPartiesAndMarks", func(t *testing.T) { testNewCaseRepeats(t, s) })
			t.Run("RollbackLeavesNothing", func(t *testing.T) { testRollback(t, s) })
			t.Run("WritesSeenAndFailedInTheirTransaction", func(t *testing.T) { testHeldBackWrites(t, s) })
		})
	}
}

var t0 = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

// mustInsert writes a case with one ledger entry, received at the instant.
func mustInsert(t *testing.T, s *sqlstore.Store, received time.Time, parties ...engine.Party) *engine.Case {
	t.Helper()
	ctx := context.Background()
	id, _ := uuid.NewV7()
	c := &engine.Case{ID: id.String(), Workflow: "conformance", State: "open", Version: 1, Title: "t",
		Data: []byte(`{}`), Parties: parties, ReceivedAt: received, RoutedAt: received, CreatedAt: received, UpdatedAt: received}
	err := s.InTx(ctx, func(tx engine.Tx) error {
		n, err := tx.NextNumber(ctx, "CF-")
		if err != nil {
			return err
		}
		c.Number = fmt.Sprintf("CF-%05d", n)
		e := &ledger.Entry{CaseID: c.ID, Workflow: c.Workflow, Number: c.Number, Version: c.Version, At: received, ActorUser: "u", ActorRole: "window", Event: "open", To: "open"}
		if err := e.Seal(); err != nil {
			return err
		}
		if err := tx.AppendLedger(ctx, e); err != nil {
			return err
		}
		c.LedgerHead, c.LedgerLen = e.Hash, 1
		return tx.InsertCase(ctx, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testStaleVersion(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	c := mustInsert(t, s, t0)
	err := s.InTx(ctx, func(tx engine.Tx) error {
		got, err := tx.LockCase(ctx, c.ID)
		if err != nil {
			return err
		}
		got.Version = 2
		return tx.UpdateCase(ctx, got, 7) // the version the writer saw is not the stored one
	})
	if engine.ErrorCode(err) != engine.ECONFLICT {
		t.Fatalf("update against a stale version: %v, want version_conflict", err)
	}
	if got, _ := s.Case(ctx, c.ID); got.Version != 1 {
		t.Fatalf("a refused update wrote version %d", got.Version)
	}
	if _, err := s.Case(ctx, "no-such-case"); engine.ErrorCode(err) != engine.ENOTFOUND {
		t.Fatalf("missing case: %v, want not_found", err)
	}
}

func testTimerGuards(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	c := mustInsert(t, s, t0)
	id, _ := uuid.NewV7()
	tm := &engine.Timer{ID: id.String(), CaseID: c.ID, Name: "limit", Event: "breach", Kind: engine.TimerDeadline,
		DueAt: t0.Add(time.Hour), Status: engine.TimerPending, CreatedAt: t0, UpdatedAt: t0}
	if err := s.InTx(ctx, func(tx engine.Tx) error { return tx.InsertTimer(ctx, tm) }); err != nil {
		t.Fatal(err)
	}
	update := func(to, from engine.TimerStatus) bool {
		var ok bool
		err := s.InTx(ctx, func(tx engine.Tx) error {
			x := *tm
			x.Status = to
			var err error
			ok, err = tx.UpdateTimer(ctx, &x, from)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if update(engine.TimerFired, engine.TimerPaused) {
		t.Fatal("a pending timer was updated as if paused")
	}
	if !update(engine.TimerFired, engine.TimerPending) {
		t.Fatal("a pending timer could not be marked fired")
	}
	if update(engine.TimerFired, engine.TimerPending) {
		t.Fatal("a timer was fired twice")
	}
	refs, err := s.PendingTimers(ctx)
	if err != nil || slices.ContainsFunc(refs, func(r engine.TimerRef) bool { return r.ID == tm.ID }) {
		t.Fatalf("a fired timer is still pending: %v %v", refs, err)
	}
}

func testNumbering(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	const n = 40
	got := make([]int, n)
	var g errgroup.Group
	for i := 0; i < n; i++ {
		g.Go(func() error {
			return s.InTx(ctx, func(tx engine.Tx) error {
				var err error
				got[i], err = tx.NextNumber(ctx, "NUM-")
				return err
			})
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	sort.Ints(got)
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("numbers %v are not 1..%d without gaps or repeats", got, n)
		}
	}

	// Several prefixes at once (a batch of openings), some transactions
	// rolling back: each prefix's numbers taken by the committed ones are
	// 1..count, and no two transactions deadlock.
	var (
		mu    sync.Mutex
		taken = map[string][]int{}
	)
	rollback := errors.New("rolled back")
	for i := 0; i < n; i++ {
		g.Go(func() error {
			counts := map[string]int{"NUMB-": 1 + i%3, "NUMA-": 1 + i%2}
			if i%4 == 0 {
				counts["NUMC-"] = 2
			}
			err := s.InTx(ctx, func(tx engine.Tx) error {
				last, err := tx.NextNumbers(ctx, counts)
				if err != nil {
					return err
				}
				if i%5 == 0 {
					return rollback
				}
				mu.Lock()
				defer mu.Unlock()
				for p, k := range counts {
					for j := last[p] - k + 1; j <= last[p]; j++ {
						taken[p] = append(taken[p], j)
					}
				}
				return nil
			})
			if errors.Is(err, rollback) {
				return nil
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	for p, got := range taken {
		sort.Ints(got)
		for i, v := range got {
			if v != i+1 {
				t.Fatalf("%s numbers %v are not 1..%d without gaps or repeats", p, got, len(got))
			}
		}
	}
	if len(taken) != 3 {
		t.Fatalf("numbers taken of %d prefixes", len(taken))
	}
}

func testPaging(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	p := engine.Party{Org: "PAGE", Relation: "park"}
	var want []string
	for i := 0; i < 7; i++ {
		// Two cases share each instant: the id breaks the tie.
		at := t0.Add(time.Duration(i/2) * time.Minute)
		want = append(want, mustInsert(t, s, at, p).ID)
	}
	// Newest received first, then id descending.
	cases, err := s.Cases(ctx, engine.CaseFilter{Party: &p, Limit: 100})
	if err != nil || len(cases) != 7 {
		t.Fatalf("%d cases (%v)", len(cases), err)
	}
	for i := 1; i < len(cases); i++ {
		a, b := cases[i-1], cases[i]
		if a.ReceivedAt.Before(b.ReceivedAt) || (a.ReceivedAt.Equal(b.ReceivedAt) && a.ID < b.ID) {
			t.Fatalf("out of order at %d: %v %s, then %v %s", i, a.ReceivedAt, a.ID, b.ReceivedAt, b.ID)
		}
	}
	var seen []string
	var after *engine.Cursor
	for page := 0; page < 10; page++ {
		got, err := s.Cases(ctx, engine.CaseFilter{Party: &p, Limit: 3, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			break
		}
		for _, c := range got {
			seen = append(seen, c.ID)
		}
		after, err = engine.ParseCursor(engine.CursorAfter(got[len(got)-1]))
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 7 {
		t.Fatalf("pages gave %d cases, want 7: %v", len(seen), seen)
	}
	slices.Sort(seen)
	slices.Sort(want)
	if !slices.Equal(seen, want) {
		t.Fatalf("pages gave %v, want %v", seen, want)
	}
	n, err := s.CaseCounts(ctx, engine.CaseFilter{Party: &p})
	if err != nil || n.Total != 7 {
		t.Fatalf("counted %d (%v)", n.Total, err)
	}
}

func testPartiesAndMarks(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	c := mustInsert(t, s, t0, engine.Party{Org: "A", Relation: "bank"})
	err := s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.AddParties(ctx, c.ID, []engine.Party{{Org: "B", Relation: "bank"}, {Org: "A", Relation: "bank"}}); err != nil {
			return err
		}
		if err := tx.RemoveParties(ctx, c.ID, []engine.Party{{Org: "A", Relation: "bank"}}); err != nil {
			return err
		}
		if err := tx.SetMarks(ctx, c.ID, []string{"x", "y"}, nil); err != nil {
			return err
		}
		return tx.SetMarks(ctx, c.ID, []string{"y"}, []string{"x"})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Parties) != 1 || got.Parties[0].Org != "B" || !slices.Equal(got.Marks, []string{"y"}) {
		t.Fatalf("parties %+v marks %v", got.Parties, got.Marks)
	}
	marked, err := s.Cases(ctx, engine.CaseFilter{Mark: "y", Party: &engine.Party{Org: "B"}})
	if err != nil || len(marked) != 1 {
		t.Fatalf("by mark: %d (%v)", len(marked), err)
	}
}

// A new case whose parties and marks name one twice is written with each
// once: its rows are inserted plainly, so a repeat must not reach them.
func testNewCaseRepeats(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	a, b := engine.Party{Org: "A", Relation: "bank"}, engine.Party{Org: "A", Relation: "park"}
	id, _ := uuid.NewV7()
	c := &engine.Case{ID: id.String(), Number: "CR-00001", Workflow: "conformance", State: "open", Version: 1, Title: "t",
		Data: []byte(`{}`), Parties: []engine.Party{a, b, a}, Marks: []string{"x", "x", "y"},
		ReceivedAt: t0, RoutedAt: t0, CreatedAt: t0, UpdatedAt: t0}
	if err := s.InTx(ctx, func(tx engine.Tx) error { return tx.InsertCase(ctx, c) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	parties := append([]engine.Party(nil), got.Parties...)
	slices.SortFunc(parties, func(p, q engine.Party) int { return strings.Compare(string(p.Relation), string(q.Relation)) })
	marks := slices.Sorted(slices.Values(got.Marks))
	if !slices.Equal(parties, []engine.Party{a, b}) || !slices.Equal(marks, []string{"x", "y"}) {
		t.Fatalf("parties %+v marks %v, want %+v and [x y]", got.Parties, got.Marks, []engine.Party{a, b})
	}
}

// Both migration sets produce the same tables with the same columns.
func TestMigrationsAgree(t *testing.T) {
	schemas := map[string]map[string][]string{}
	for _, db := range testsvc.Databases() {
		s := MustStore(t, db)
		schemas[db.Name] = columns(t, s)
	}
	if len(schemas) != 2 {
		t.Fatalf("compared %d databases", len(schemas))
	}
	var names []string
	for n := range schemas {
		names = append(names, n)
	}
	a, b := schemas[names[0]], schemas[names[1]]
	for table, cols := range a {
		if !slices.Equal(cols, b[table]) {
			t.Errorf("table %s: %s has %v, %s has %v", table, names[0], cols, names[1], b[table])
		}
	}
	for table := range b {
		if _, ok := a[table]; !ok {
			t.Errorf("table %s only on %s", table, names[1])
		}
	}
}

// columns lists every table of the store's schema with its sorted columns,
// goose's own bookkeeping aside.
func columns(t *testing.T, s *sqlstore.Store) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	var rows []struct{ Table, Column string }
	var q string
	if s.Dialect() == sqlstore.Postgres {
		q = `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`
	} else {
		q = `SELECT m.name AS "table", p.name AS "column" FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	}
	if err := s.DB().Raw(q).Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		out[r.Table] = append(out[r.Table], r.Column)
	}
	for tbl := range out {
		sort.Strings(out[tbl])
	}
	if len(out) < 5 {
		t.Fatalf("only %d tables found: %v", len(out), out)
	}
	return out
}

// A transaction that fails, or panics, leaves nothing behind, and the store
// goes on working.
func testRollback(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	p := engine.Party{Org: "ROLLBACK", Relation: "park"}
	boom := fmt.Errorf("boom")
	err := s.InTx(ctx, func(tx engine.Tx) error {
		c := &engine.Case{ID: "rb-1", Number: "RB-1", Workflow: "conformance", State: "open", Version: 1, Title: "t",
			Data: []byte(`{}`), Parties: []engine.Party{p}, ReceivedAt: t0, RoutedAt: t0, CreatedAt: t0, UpdatedAt: t0}
		if err := tx.InsertCase(ctx, c); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("InTx returned %v, want the function's error", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic was swallowed")
			}
		}()
		_ = s.InTx(ctx, func(tx engine.Tx) error {
			if _, err := tx.NextNumber(ctx, "RB-"); err != nil {
				return err
			}
			panic("in the middle of a transaction")
		})
	}()
	if n, err := s.CaseCounts(ctx, engine.CaseFilter{Party: &p}); err != nil || n.Total != 0 {
		t.Fatalf("a rolled-back case is stored: %d (%v)", n.Total, err)
	}
	var got int
	if err := s.InTx(ctx, func(tx engine.Tx) error {
		var err error
		got, err = tx.NextNumber(ctx, "RB-")
		return err
	}); err != nil || got != 1 {
		t.Fatalf("after the rollbacks: number %d (%v), want 1", got, err)
	}
}

// testHeldBackWrites: inserts a store holds back until the transaction's
// next statement (PostgreSQL) are seen by every later read of the
// transaction, an insert travelling with the outbox row keeps its own
// outcome, and a failing insert fails its transaction, leaving nothing.
func testHeldBackWrites(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	c := mustInsert(t, s, t0)
	timer := func(name string) *engine.Timer {
		id, _ := uuid.NewV7()
		return &engine.Timer{ID: id.String(), CaseID: c.ID, Name: name, Event: "breach", Kind: engine.TimerDeadline,
			DueAt: t0.Add(time.Hour), Status: engine.TimerPending, CreatedAt: t0, UpdatedAt: t0}
	}
	first := timer("first")
	notice := func() *engine.Notice {
		id, _ := uuid.NewV7()
		return &engine.Notice{ID: id.String(), Kind: "event", Workflow: "conformance", Event: "open", CaseID: c.ID,
			At: t0, DedupeKey: "held-back-" + c.ID}
	}
	err := s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.InsertTimer(ctx, first); err != nil {
			return err
		}
		rows, err := tx.LockCaseTimers(ctx, c.ID)
		if err != nil {
			return err
		}
		if len(rows) != 1 || rows[0].ID != first.ID {
			t.Errorf("the transaction reads %v after inserting timer %s", rows, first.ID)
		}
		if err := tx.AddParties(ctx, c.ID, []engine.Party{{Org: "HELD", Relation: "park"}}); err != nil {
			return err
		}
		if ok, err := tx.InsertNotice(ctx, notice()); err != nil || !ok {
			t.Errorf("the first notice with its key: inserted %v, %v", ok, err)
		}
		if err := tx.InsertTimer(ctx, timer("second")); err != nil {
			return err
		}
		if ok, err := tx.InsertNotice(ctx, notice()); err != nil || ok {
			t.Errorf("a second notice with the same key: inserted %v, %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Case(ctx, c.ID)
	if err != nil || !slices.Contains(got.Parties, engine.Party{Org: "HELD", Relation: "park"}) {
		t.Fatalf("the party added is not stored: %v (%v)", got, err)
	}
	pending := func() int {
		var n int
		err := s.InTx(ctx, func(tx engine.Tx) error {
			rows, err := tx.LockCaseTimers(ctx, c.ID)
			n = len(rows)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := pending(); n != 2 {
		t.Fatalf("%d timers of the case stored, want 2", n)
	}
	err = s.InTx(ctx, func(tx engine.Tx) error {
		if err := tx.InsertTimer(ctx, timer("third")); err != nil {
			return err
		}
		return tx.InsertTimer(ctx, first) // its ID is taken
	})
	if engine.ErrorCode(err) != engine.EDUPLICATE {
		t.Fatalf("a transaction inserting a taken timer ID returned %v, want a duplicate error", err)
	}
	if n := pending(); n != 2 {
		t.Fatalf("the failed transaction left %d timers of the case, want 2", n)
	}
}

// On PostgreSQL, a transaction's held-back inserts that take more
// parameters than one statement may carry are sent in several, all rows
// written once: three cases with 12,000 parties each (a statement takes at
// most 60,000 parameters, a party row three), and half the parties added
// twice.
func TestLargeFlushSplits(t *testing.T) {
	for _, db := range testsvc.Databases() {
		if db.Name != "postgres" {
			continue // SQLite's statements are sent one by one
		}
		t.Run(db.Name, func(t *testing.T) {
			s := MustStore(t, db)
			ctx := context.Background()
			const n = 12000
			var cases []*engine.Case
			err := s.InTx(ctx, func(tx engine.Tx) error {
				for k := range 3 {
					id, _ := uuid.NewV7()
					c := &engine.Case{ID: id.String(), Number: fmt.Sprintf("BIG-%d", k), Workflow: "conformance", State: "open", Version: 1,
						Data: []byte(`{}`), ReceivedAt: t0, RoutedAt: t0, CreatedAt: t0, UpdatedAt: t0}
					for i := range n {
						c.Parties = append(c.Parties, engine.Party{Org: fmt.Sprintf("ORG%05d", i), Relation: "park"})
					}
					if err := tx.InsertCase(ctx, c); err != nil {
						return err
					}
					if err := tx.AddParties(ctx, c.ID, c.Parties[:n/2]); err != nil {
						return err
					}
					cases = append(cases, c)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cases {
				got, err := s.Case(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if len(got.Parties) != n || got.Number != c.Number {
					t.Fatalf("case %s: %d parties, want %d", got.Number, len(got.Parties), n)
				}
			}
		})
	}
}
