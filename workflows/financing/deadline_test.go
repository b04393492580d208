package financing_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// walk advances the fake clock from its instant to end in steps, draining
// due timers at each step, and returns the instant each ledger event was
// first seen.
func (e *env) walk(c *engine.Case, end time.Time, step time.Duration) map[string]time.Time {
	e.t.Helper()
	seen := map[string]time.Time{}
	for now := e.clock.Now(); !now.After(end); now = e.clock.Advance(step) {
		e.drain()
		for _, ev := range e.events(c) {
			if _, ok := seen[ev]; !ok {
				seen[ev] = now
			}
		}
	}
	return seen
}

// A case opened on 2026-09-30, the eve of National Day: the seven days off
// do not count, the Saturday make-up day 10-10 does. Reminder at the end of
// the 3rd working day (10-10), breach at the end of the 5th (10-13).
func TestDeadlineAcrossNationalDay(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 30, 15, 0))
		c := e.open(time.Time{})
		wantWarn, wantDue := at(2026, 10, 11, 0, 0), at(2026, 10, 14, 0, 0)
		if c.WarnAt == nil || !c.WarnAt.Equal(wantWarn) || c.DueAt == nil || !c.DueAt.Equal(wantDue) {
			t.Fatalf("warn %v due %v, want %v and %v", c.WarnAt, c.DueAt, wantWarn, wantDue)
		}
		if c.State != financing.Routed || c.Number != "GXQ-2026-00001" {
			t.Fatalf("opened case is %s numbered %s", c.State, c.Number)
		}

		// Walk three weeks in 30-minute steps: nothing fires early.
		seen := e.walk(c, at(2026, 10, 21, 0, 0), 30*time.Minute)
		if got := seen[string(financing.Remind)]; !got.Equal(wantWarn) {
			t.Errorf("remind seen at %v, want %v", got, wantWarn)
		}
		if got := seen[string(financing.Breach)]; !got.Equal(wantDue) {
			t.Errorf("breach seen at %v, want %v", got, wantDue)
		}
		c = e.reload(c)
		if c.State != financing.Escalated || !c.Overdue || !c.DueSoon {
			t.Fatalf("after the limit: state %s overdue %v due soon %v", c.State, c.Overdue, c.DueSoon)
		}
		if got, want := e.events(c), []string{"open", "remind", "breach"}; !slices.Equal(got, want) {
			t.Fatalf("ledger events %v, want %v", got, want)
		}
		d, err := financing.DataOf(c)
		if err != nil || d.Escalation == nil || d.Escalation.Cause != "overdue" {
			t.Fatalf("escalation record %+v (%v)", d, err)
		}
	})
}

// The instant of the limit itself, at microsecond resolution: a bank that
// answers at 23:59:59.999999 on its last day is on time.
func TestAnswerAtTheLastMicrosecond(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 30, 15, 0))
		c := e.open(time.Time{})
		e.clock.Set(at(2026, 10, 14, 0, 0).Add(-time.Microsecond))
		if n := e.drain(); n != 1 { // the reminder only
			t.Fatalf("%d timers fired a microsecond before the limit, want 1 (the reminder)", n)
		}
		c = e.mustFire(c, "bank-ICBC", financing.Answer, answerYes)
		e.clock.Set(at(2026, 10, 20, 0, 0))
		e.drain()
		c = e.reload(c)
		if c.State != financing.Answered || c.Overdue {
			t.Fatalf("answered on time, then: state %s overdue %v", c.State, c.Overdue)
		}
		timers, err := e.store.CaseTimers(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range timers {
			want := engine.TimerCancelled
			if tm.Name == financing.TimerReminder {
				want = engine.TimerFired
			}
			if tm.Status != want {
				t.Errorf("timer %s is %s, want %s", tm.Name, tm.Status, want)
			}
		}
	})
}

// Info requested on the 2nd working day of five pauses the limit with three
// days left; supplied a week later, it resumes with those three days.
func TestPausedLimitResumesWithRemainingDays(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0)) // Monday
		c := e.open(time.Time{})
		if !c.DueAt.Equal(at(2026, 11, 10, 0, 0)) {
			t.Fatalf("due %v, want end of Monday 11-09", c.DueAt)
		}
		e.clock.Set(at(2026, 11, 3, 9, 0))
		c = e.mustFire(c, "bank-ICBC", financing.Accept, nil)
		e.clock.Set(at(2026, 11, 4, 14, 0))
		c = e.mustFire(c, "bank-ICBC", financing.RequestInfo, financing.RequestInfoInput{Question: "请补充近两年财务报表。"})
		if c.State != financing.InfoRequested || c.DueAt != nil || c.WarnAt != nil {
			t.Fatalf("paused case: state %s warn %v due %v", c.State, c.WarnAt, c.DueAt)
		}
		// A week passes: nothing fires while paused.
		seen := e.walk(c, at(2026, 11, 11, 9, 0), time.Hour)
		if _, ok := seen[string(financing.Breach)]; ok {
			t.Fatal("breach fired while the limit was paused")
		}
		c = e.mustFire(c, "window-GXQ", financing.SupplyInfo, financing.SupplyInfoInput{Info: "已补充 2024、2025 年财务报表。"})
		// Three working days after Wednesday 11-11: 11-12, 11-13, 11-16.
		if c.State != financing.Accepted || !c.DueAt.Equal(at(2026, 11, 17, 0, 0)) {
			t.Fatalf("resumed: state %s due %v, want accepted due 2026-11-17T00:00+08:00", c.State, c.DueAt)
		}
		// The reminder had one day left: 11-12.
		if !c.WarnAt.Equal(at(2026, 11, 13, 0, 0)) {
			t.Fatalf("resumed reminder %v, want 2026-11-13T00:00+08:00", c.WarnAt)
		}
		seen = e.walk(c, at(2026, 11, 20, 0, 0), 30*time.Minute)
		if got := seen[string(financing.Breach)]; !got.Equal(at(2026, 11, 17, 0, 0)) {
			t.Fatalf("breach at %v, want 2026-11-17T00:00+08:00", got)
		}
	})
}

// A paper record back-dated so far that its limit has passed fires at once.
func TestBackdatedCaseFiresAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 25, 10, 0))
		c := e.open(at(2026, 11, 2, 9, 0))
		// Both timers are due. Whichever a worker takes first, the case's
		// timers fire in due order: the reminder, then the breach.
		if n := e.drain(); n < 1 {
			t.Fatal("no timer fired for a case whose limit has passed")
		}
		c = e.reload(c)
		if c.State != financing.Escalated || !c.Overdue || !c.DueSoon {
			t.Fatalf("back-dated case: state %s overdue %v due soon %v", c.State, c.Overdue, c.DueSoon)
		}
		if got := e.events(c); !slices.Equal(got, []string{"open", "remind", "breach"}) {
			t.Fatalf("ledger %v, want open, remind, breach", got)
		}
	})
}

// Delivering the breach before the reminder (workers interleave) still
// fires the reminder first, in the same transaction.
func TestTimersFireInDueOrder(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		e.clock.Set(at(2026, 11, 12, 0, 0))
		timers, err := e.store.CaseTimers(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var breach engine.Timer
		for _, tm := range timers {
			if tm.Name == financing.TimerLimit {
				breach = tm
			}
		}
		if fired, err := e.engine.FireTimer(e.ctx, breach.ID); err != nil || !fired {
			t.Fatalf("breach: fired %v, %v", fired, err)
		}
		if got := e.events(e.reload(c)); !slices.Equal(got, []string{"open", "remind", "breach"}) {
			t.Fatalf("ledger %v, want open, remind, breach", got)
		}
		if n := e.drain(); n != 0 {
			t.Fatalf("%d timers fired again from the index", n)
		}
	})
}

// A timer delivered twice has one effect.
func TestTimerFiresOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.open(time.Time{})
		e.clock.Set(at(2026, 11, 12, 0, 0))
		timers, err := e.store.CaseTimers(e.ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tm := range timers {
			for i := 0; i < 3; i++ {
				fired, err := e.engine.FireTimer(e.ctx, tm.ID)
				if err != nil {
					t.Fatal(err)
				}
				if fired != (i == 0) {
					t.Fatalf("delivery %d of %s: fired=%v", i+1, tm.Name, fired)
				}
			}
		}
		if got := e.events(e.reload(c)); !slices.Equal(got, []string{"open", "remind", "breach"}) {
			t.Fatalf("ledger %v", got)
		}
	})
}

// A limit that needs a year with no published calendar is refused, naming
// the year, rather than guessed as Monday to Friday.
func TestMissingCalendarYear(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2027, 12, 28, 10, 0))
		_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"), Payload: mustJSON(t, e.openInput("GXQ"))})
		wantCode(t, err, engine.ECALENDAR)
		if msg := engine.ErrorMessage(err, "zh"); !strings.Contains(msg, "2028") {
			t.Fatalf("message %q does not name 2028", msg)
		}
		cases, err := e.store.Cases(e.ctx, engine.CaseFilter{Workflow: financing.Name})
		if err != nil || len(cases) != 0 {
			t.Fatalf("a refused case was stored: %d cases (%v)", len(cases), err)
		}
	})
}
