package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// FireTimers fires a batch of timers in one transaction with the effect
// FireTimer has on each: per case in due order whatever the order of the
// batch (the reminder before the deadline), nothing for a timer of a case
// that moved on, for an unknown timer or for a timer fired already, and a
// not-due outcome, changing nothing, for a timer whose instant is ahead.
// A case fired timer by timer ends exactly as one fired in the batch.
func TestFireTimersInOneTransaction(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		both, onlyLimit, answered, alone := e.MustOpen("B1"), e.MustOpen("B1"), e.MustOpen("B1"), e.MustOpen("B1")
		e.MustFire(answered, bankB1, evAccept, nil)
		e.clock.Set(at(2026, 3, 3, 10, 0))
		answered = e.MustFire(answered, bankB1, evAnswer, nil)
		late := e.MustOpen("B1") // opened later: its limit is ahead when the others' have passed

		// After both instants of the first four cases, before late's
		// limit (five working days after 03-03: 03-10 24:00).
		e.clock.Set(at(2026, 3, 10, 12, 0))
		ids := []string{
			e.MustTimer(both, tmLimit).ID, e.MustTimer(both, tmReminder).ID, // the deadline first
			e.MustTimer(onlyLimit, tmLimit).ID, // its reminder is fired as due before it
			e.MustTimer(answered, tmReminder).ID,
			"00000000-0000-0000-0000-000000000000",
			e.MustTimer(late, tmLimit).ID,
		}
		out, err := e.engine.FireTimers(e.ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		want := []engine.TimerOutcome{{Fired: true}, {Fired: true}, {Fired: true}, {}, {}, {NotDue: e.MustTimer(late, tmLimit).DueAt}}
		for i, id := range ids {
			if got := out[id]; got.Fired != want[i].Fired || !got.NotDue.Equal(want[i].NotDue) {
				t.Errorf("timer %d: %+v, want %+v", i, got, want[i])
			}
		}
		e.wantEvents(both, "open", "remind", "lapse")
		e.wantEvents(onlyLimit, "open", "remind", "lapse")
		e.wantEvents(answered, "open", "accept", "answer")
		e.wantEvents(late, "open")
		if got := e.MustTimer(late, tmLimit); got.Status != engine.TimerPending {
			t.Fatalf("the timer not due yet is %s", got.Status)
		}

		// The same instants, timer by timer.
		for _, name := range []string{tmReminder, tmLimit} {
			if fired, err := e.engine.FireTimer(e.ctx, e.MustTimer(alone, name).ID); err != nil || !fired {
				t.Fatalf("%s alone: fired %v, %v", name, fired, err)
			}
		}
		a, b := e.MustCase(alone), e.MustCase(both)
		if a.State != b.State || a.Version != b.Version || a.Overdue != b.Overdue || a.PastDue != b.PastDue ||
			a.DueSoon != b.DueSoon || len(a.Limits) != len(b.Limits) || a.LedgerLen != b.LedgerLen {
			t.Fatalf("fired in a batch: %+v\nfired alone: %+v", b, a)
		}
		if x, y := MustJSON(t, a.Limits), MustJSON(t, b.Limits); string(x) != string(y) {
			t.Fatalf("limits fired alone %s, in a batch %s", x, y)
		}
		for _, c := range []*engine.Case{both, onlyLimit} {
			for _, name := range []string{tmReminder, tmLimit} {
				if got := e.MustTimer(c, name); got.Status != engine.TimerFired {
					t.Fatalf("%s of %s is %s after the batch", name, c.Number, got.Status)
				}
			}
		}

		// Delivered again, the batch has no effect.
		again, err := e.engine.FireTimers(e.ctx, ids[:3])
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids[:3] {
			if again[id].Fired {
				t.Fatalf("timer %s fired twice", id)
			}
		}
		e.wantEvents(both, "open", "remind", "lapse")
		if r, err := e.store.VerifyLedger(e.ctx); err != nil || !r.OK() || r.Walked {
			t.Fatalf("ledger: %s %v", r, err)
		}
	})
}

// The worker fires what it claims in batches; when a batch fails (one
// timer's event cannot be applied) it fires that batch's timers one by
// one: the others fire, the failing one stays claimed for a retry, and its
// case is left as it was.
func TestWorkerBatchFallsBackToSingleTimers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 3, 2, 9, 0))
		brittle := flowWith("brittle", evLapse, func(applyFunc) applyFunc {
			return func(_ context.Context, t *engine.Transition) error {
				if t.Case.Title == "bad" {
					return errors.New("this case's limit cannot be applied")
				}
				return nil
			}
		})
		e.engine.Register(brittle)
		open := func(title string) *engine.Case {
			c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: brittle.Name, Actor: windowP1,
				Payload: MustJSON(t, flowInput{Title: title, Bank: "B1"})})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		var good []*engine.Case
		for range 5 {
			good = append(good, open("good"))
		}
		bad := open("bad")
		w := engine.NewWorker(e.engine, e.index, engine.WorkerConfig{Concurrency: 1, FireBatch: 64, Lease: time.Hour})
		e.clock.Set(at(2026, 3, 10, 12, 0))
		n, err := w.Drain(e.ctx)
		if err == nil {
			t.Fatal("the failing timer was not reported")
		}
		// Every reminder fired (bad's too, in a transaction of its own
		// before its failing limit's), every good limit fired.
		if n != 2*len(good)+1 {
			t.Fatalf("%d timers fired, want %d", n, 2*len(good)+1)
		}
		for _, c := range good {
			e.wantEvents(c, "open", "remind", "lapse")
		}
		e.wantEvents(bad, "open", "remind")
		if got := e.MustTimer(bad, tmLimit); got.Status != engine.TimerPending {
			t.Fatalf("the failing limit is %s", got.Status)
		}
		if !e.InIndex(e.MustTimer(bad, tmLimit).ID) {
			t.Fatal("the failing limit left the index")
		}
	})
}
