package financing_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
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
// the 3rd working day (10-10), limit at the end of the 5th (10-13). Past it
// the case turns red for the county's supervision but stays with the bank:
// lateness is not escalation.
func TestDeadlineAcrossNationalDay(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 30, 15, 0))
		c := e.open(time.Time{})
		wantWarn, wantDue := at(2026, 10, 11, 0, 0), at(2026, 10, 14, 0, 0)
		if c.WarnAt == nil || !c.WarnAt.Equal(wantWarn) || c.DueAt == nil || !c.DueAt.Equal(wantDue) {
			t.Fatalf("warn %v due %v, want %v and %v", c.WarnAt, c.DueAt, wantWarn, wantDue)
		}
		if c.State != financing.Routed || c.Number != "GXQ-2026-00001" || c.Provisional {
			t.Fatalf("opened case is %s numbered %s (provisional %v)", c.State, c.Number, c.Provisional)
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
		if c.State != financing.Routed || !c.Overdue || !c.PastDue || c.DueSoon {
			t.Fatalf("after the limit: state %s overdue %v past due %v due soon %v", c.State, c.Overdue, c.PastDue, c.DueSoon)
		}
		if got, want := e.events(c), []string{"open", "remind", "breach"}; !slices.Equal(got, want) {
			t.Fatalf("ledger events %v, want %v", got, want)
		}
		// The county office's supervision board lists it, once.
		past := true
		board, err := e.engine.Cases(e.ctx, e.actor("county-GX"), engine.CaseFilter{Workflow: financing.Name, PastDue: &past})
		if err != nil || len(board) != 1 || board[0].ID != c.ID {
			t.Fatalf("county board: %d cases (%v)", len(board), err)
		}
		// The bank can still sign and answer; the answer is late by the
		// working days since the limit: 10-14, 10-15 (answered on 10-15).
		e.clock.Set(at(2026, 10, 15, 9, 0))
		c = e.run(c, accept, answer)
		d := e.data(c)
		if !d.Answer.Late || d.Answer.WorkdaysLate != 2 || !d.Rounds[0].Late {
			t.Fatalf("late answer recorded as %+v, round %+v", d.Answer, d.Rounds[0])
		}
		c = e.reload(c)
		if c.State != financing.Answered || c.PastDue || !c.Overdue || c.DueSoon {
			t.Fatalf("answered late: state %s past due %v overdue %v due soon %v", c.State, c.PastDue, c.Overdue, c.DueSoon)
		}
		if d.Escalation != nil {
			t.Fatalf("lateness escalated the case: %+v", d.Escalation)
		}
	})
}

// The instant of the limit itself, at microsecond resolution: a bank that
// answers at 23:59:59.999999 on its last day is on time.
func TestAnswerAtTheLastMicrosecond(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 9, 30, 15, 0))
		c := e.run(e.open(time.Time{}), accept)
		e.clock.Set(at(2026, 10, 14, 0, 0).Add(-time.Microsecond))
		if n := e.drain(); n != 1 { // the reminder only
			t.Fatalf("%d timers fired a microsecond before the limit, want 1 (the reminder)", n)
		}
		c = e.run(c, answer)
		e.clock.Set(at(2026, 10, 20, 0, 0))
		e.drain()
		c = e.reload(c)
		if c.State != financing.Answered || c.Overdue || c.PastDue || c.DueSoon {
			t.Fatalf("answered on time, then: state %s overdue %v past due %v due soon %v", c.State, c.Overdue, c.PastDue, c.DueSoon)
		}
		if d := e.data(c); d.Answer.Late {
			t.Fatalf("on-time answer recorded late: %+v", d.Answer)
		}
		if got := e.timerStatus(c, financing.TimerLimit); got != engine.TimerCancelled {
			t.Errorf("limit timer is %s, want cancelled", got)
		}
		if got := e.timerStatus(c, financing.TimerReminder); got != engine.TimerFired {
			t.Errorf("reminder timer is %s, want fired", got)
		}
	})
}

// A bank answering a minute after its limit, before any worker fired the
// breach, is late all the same: the breach has its say first.
func TestLateAnswerBeforeTheWorker(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0))
		c := e.run(e.open(time.Time{}), accept)
		e.clock.Set(at(2026, 11, 10, 0, 1)) // the limit ended at 11-10 00:00
		c = e.run(c, answer)
		if got, want := e.events(c), []string{"open", "accept", "remind", "breach", "answer"}; !slices.Equal(got, want) {
			t.Fatalf("ledger %v, want %v", got, want)
		}
		if d := e.data(c); !d.Answer.Late || d.Answer.WorkdaysLate != 1 {
			t.Fatalf("answer %+v, want late by 1 working day", d.Answer)
		}
		if c = e.reload(c); !c.Overdue || c.PastDue {
			t.Fatalf("overdue %v past due %v", c.Overdue, c.PastDue)
		}
	})
}

// Info requested on the 2nd working day of five pauses the limit with three
// days left, and starts the window's own limit to supply it; supplied a
// week later, the bank's limit resumes with those three days.
func TestPausedLimitResumesWithRemainingDays(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 2, 10, 0)) // Monday
		c := e.open(time.Time{})
		if !c.DueAt.Equal(at(2026, 11, 10, 0, 0)) {
			t.Fatalf("due %v, want end of Monday 11-09", c.DueAt)
		}
		e.clock.Set(at(2026, 11, 3, 9, 0))
		c = e.run(c, accept)
		e.clock.Set(at(2026, 11, 4, 14, 0))
		c = e.run(c, requestInfo)
		bank := c.Limit(financing.ClockBank)
		if c.State != financing.InfoRequested || c.DueAt != nil || c.WarnAt != nil || !bank.Paused || bank.Remaining != 3 {
			t.Fatalf("paused case: state %s warn %v due %v bank limit %+v", c.State, c.WarnAt, c.DueAt, bank)
		}
		supply := c.Limit(financing.ClockSupply)
		if supply == nil || !supply.Running || !c.HasMark(financing.ClockSupply) {
			t.Fatalf("window's supply limit %+v, marks %v", supply, c.Marks)
		}
		// A week passes: nothing fires while paused.
		seen := e.walk(c, at(2026, 11, 11, 9, 0), time.Hour)
		if _, ok := seen[string(financing.Breach)]; ok {
			t.Fatal("breach fired while the limit was paused")
		}
		c = e.run(c, supplyInfo)
		// Three working days after Wednesday 11-11: 11-12, 11-13, 11-16.
		if c.State != financing.Accepted || !c.DueAt.Equal(at(2026, 11, 17, 0, 0)) {
			t.Fatalf("resumed: state %s due %v, want accepted due 2026-11-17T00:00+08:00", c.State, c.DueAt)
		}
		// The reminder had one day left: 11-12.
		if !c.WarnAt.Equal(at(2026, 11, 13, 0, 0)) {
			t.Fatalf("resumed reminder %v, want 2026-11-13T00:00+08:00", c.WarnAt)
		}
		if c.HasMark(financing.ClockSupply) || e.timerStatus(c, financing.TimerSupply) != engine.TimerCancelled {
			t.Fatalf("supplied: marks %v, supply timer %s", c.Marks, e.timerStatus(c, financing.TimerSupply))
		}
		seen = e.walk(c, at(2026, 11, 20, 0, 0), 30*time.Minute)
		if got := seen[string(financing.Breach)]; !got.Equal(at(2026, 11, 17, 0, 0)) {
			t.Fatalf("breach at %v, want 2026-11-17T00:00+08:00", got)
		}
	})
}

// A paper record received earlier keeps its receipt date; the bank's limit
// counts from when the case reached the bank — now, unless the window says
// the paper form went to the bank earlier. The window's own delay is
// recorded, not charged to the bank.
func TestBackdatedPaperRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2026, 11, 25, 10, 0)) // Wednesday
		t.Run("RoutedNow", func(t *testing.T) {
			c := e.open(at(2026, 11, 16, 9, 0))
			if !c.ReceivedAt.Equal(at(2026, 11, 16, 9, 0)) || !c.RoutedAt.Equal(at(2026, 11, 25, 10, 0)) {
				t.Fatalf("received %v routed %v", c.ReceivedAt, c.RoutedAt)
			}
			// Five working days after Wednesday 11-25: 11-26 … 12-02.
			if !c.DueAt.Equal(at(2026, 12, 3, 0, 0)) {
				t.Fatalf("due %v, want 2026-12-03T00:00+08:00", c.DueAt)
			}
			if n := e.drain(); n != 0 {
				t.Fatalf("%d timers fired for a case that just reached the bank", n)
			}
			// 11-17 … 11-25: seven working days at the window.
			if d := e.data(c); d.WindowDelayWorkdays != 7 {
				t.Fatalf("window delay %d working days, want 7", d.WindowDelayWorkdays)
			}
		})
		t.Run("RoutedOnPaper", func(t *testing.T) {
			c := e.openRouted(at(2026, 11, 2, 9, 0), at(2026, 11, 3, 9, 0))
			if !c.DueAt.Equal(at(2026, 11, 11, 0, 0)) {
				t.Fatalf("due %v, want 2026-11-11T00:00+08:00 (5 working days after 11-03)", c.DueAt)
			}
			if n := e.drain(); n < 1 {
				t.Fatal("no timer fired for a case whose limit has passed")
			}
			c = e.reload(c)
			if c.State != financing.Routed || !c.PastDue || !c.Overdue {
				t.Fatalf("back-dated case: state %s past due %v overdue %v", c.State, c.PastDue, c.Overdue)
			}
			if got := e.events(c); !slices.Equal(got, []string{"open", "remind", "breach"}) {
				t.Fatalf("ledger %v, want open, remind, breach", got)
			}
			if d := e.data(c); d.WindowDelayWorkdays != 1 {
				t.Fatalf("window delay %d, want 1", d.WindowDelayWorkdays)
			}
		})
		t.Run("RoutedBeforeReceived", func(t *testing.T) {
			_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"),
				Payload: mustJSON(t, e.openInput("GXQ")), ReceivedAt: at(2026, 11, 10, 9, 0), RoutedAt: at(2026, 11, 9, 9, 0)})
			wantField(t, err, "routed_at")
		})
		t.Run("RoutedInFuture", func(t *testing.T) {
			_, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Actor: e.actor("window-GXQ"),
				Payload: mustJSON(t, e.openInput("GXQ")), RoutedAt: at(2026, 11, 26, 9, 0)})
			wantField(t, err, "routed_at")
		})
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

// Next year's calendar never blocks work. A case opened on 2027-12-28,
// whose limit reaches into 2028 (no arrangement published), opens with a
// provisional deadline counting Monday to Friday; when 2028's notice is
// entered, the deadline is recomputed, re-armed and written to the ledger.
func TestProvisionalDeadlineUntilNextYearIsPublished(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, at(2027, 12, 28, 10, 0)) // Tuesday
		c := e.open(time.Time{})
		// 12-29, 12-30, 12-31, then Mon 01-03 and Tue 01-04 as weekdays.
		if !c.Provisional || !c.DueAt.Equal(at(2028, 1, 5, 0, 0)) {
			t.Fatalf("provisional %v due %v, want provisional 2028-01-05T00:00+08:00", c.Provisional, c.DueAt)
		}
		if !c.WarnAt.Equal(at(2028, 1, 1, 0, 0)) {
			t.Fatalf("warning %v, want 2028-01-01T00:00+08:00 (exact: three 2027 working days)", c.WarnAt)
		}
		if n, err := e.engine.RecomputeProvisional(e.ctx); err != nil || n != 0 {
			t.Fatalf("recompute without new data changed %d cases (%v)", n, err)
		}
		// 2028's notice: New Year's Day observed Monday 01-03 as well.
		notice := `{"holidays":[{"name":"元旦","days":["2028-01-01","2028-01-02","2028-01-03"]},
			{"name":"春节","days":["2028-01-26","2028-01-27","2028-01-28","2028-01-29","2028-01-30","2028-01-31","2028-02-01"]}],
			"makeup_workdays":[],"status":"test"}`
		if err := e.overrides.Put(e.ctx, calendar.Override{Year: 2028, Data: json.RawMessage(notice), UpdatedAt: e.clock.Now(), UpdatedBy: "admin"}, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := e.engine.RecomputeProvisional(e.ctx); err != nil || n != 1 {
			t.Fatalf("recompute changed %d cases (%v), want 1", n, err)
		}
		c = e.reload(c)
		// 12-29, 12-30, 12-31, 01-04, 01-05.
		if c.Provisional || !c.DueAt.Equal(at(2028, 1, 6, 0, 0)) {
			t.Fatalf("recomputed: provisional %v due %v, want exact 2028-01-06T00:00+08:00", c.Provisional, c.DueAt)
		}
		ev, actor, payload := e.lastEntry(c)
		if ev != string(engine.EventRecompute) || actor != "system" || payload["timers"] == nil {
			t.Fatalf("last entry %s by %s: %v", ev, actor, payload)
		}
		// The timer fires at the new instant, not the old one.
		seen := e.walk(c, at(2028, 1, 7, 0, 0), time.Hour)
		if got := seen[string(financing.Breach)]; !got.Equal(at(2028, 1, 6, 0, 0)) {
			t.Fatalf("breach at %v, want 2028-01-06T00:00+08:00", got)
		}
		if r, err := e.store.VerifyLedger(e.ctx); err != nil || !r.OK() || r.Walked {
			t.Fatalf("ledger verify: %+v %v", r, err)
		}
	})
}
