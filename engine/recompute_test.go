package engine_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// notice2028 is an invented 2028 arrangement in the cn-workdays.json format:
// New Year's Day off Saturday 01-01 to Monday 01-03, and a Spring Festival
// with two make-up Saturdays.
const notice2028 = `{
	"holidays": [
		{"name": "元旦", "days": ["2028-01-01", "2028-01-02", "2028-01-03"]},
		{"name": "春节", "days": ["2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28", "2028-01-29", "2028-01-30", "2028-01-31", "2028-02-01"]}
	],
	"makeup_workdays": ["2028-01-22", "2028-02-12"],
	"notice": null,
	"status": "invented for the engine's tests"
}`

// MustPut2028 puts the 2028 arrangement in force, as an administrator's
// override.
func (e *flowEnv) MustPut2028() {
	e.t.Helper()
	err := e.overrides.Put(e.ctx, calendar.Override{Year: 2028, Data: json.RawMessage(notice2028), UpdatedAt: e.clock.Now(), UpdatedBy: "admin"}, nil)
	if err != nil {
		e.t.Fatalf("put the 2028 override: %v", err)
	}
}

// MustRecompute runs RecomputeProvisional and returns how many cases changed.
func (e *flowEnv) MustRecompute() int {
	e.t.Helper()
	n, err := e.engine.RecomputeProvisional(e.ctx)
	if err != nil {
		e.t.Fatalf("recompute: %v", err)
	}
	return n
}

// recomputedTimer is one timer of a deadline_recomputed entry's payload.
type recomputedTimer struct {
	Timer       string     `json:"timer"`
	From        *time.Time `json:"from"`
	To          *time.Time `json:"to"`
	Remaining   int        `json:"remaining"`
	Provisional bool       `json:"provisional"`
}

// mustRecomputed returns the timers of the case's one deadline_recomputed
// entry, failing unless there is exactly one, written by the system in the
// state the case was in.
func (e *flowEnv) mustRecomputed(c *engine.Case, state engine.State) []recomputedTimer {
	e.t.Helper()
	var found []recomputedTimer
	n := 0
	for _, en := range e.MustLedger(c) {
		if en.Event != string(engine.EventRecompute) {
			continue
		}
		n++
		if en.ActorRole != string(engine.RoleSystem) || en.From != string(state) || en.To != string(state) {
			e.t.Fatalf("recompute entry by %s from %s to %s", en.ActorRole, en.From, en.To)
		}
		var p struct {
			Timers []recomputedTimer `json:"timers"`
		}
		if err := json.Unmarshal(en.Payload, &p); err != nil {
			e.t.Fatalf("recompute payload %s: %v", en.Payload, err)
		}
		found = p.Timers
	}
	if n != 1 {
		e.t.Fatalf("%d deadline_recomputed entries, want 1", n)
	}
	return found
}

// A limit reaching into a year without a published arrangement counts
// Monday to Friday and says so; once the year's arrangement is in force,
// RecomputeProvisional moves it, in the rows, the case, the ledger and the
// index, and only where something changed.
func TestRecomputeProvisional(t *testing.T) {
	t.Run("Pending", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db testsvc.Database) {
			e := MustFlowEnv(t, db, at(2027, 12, 20, 10, 0))
			// A limit inside 2027 is exact: 12-21..12-27.
			exact := e.MustOpen("B1")
			if exact.Provisional || exact.Limit(clockReply).Provisional {
				t.Fatal("a limit inside 2027 is provisional")
			}
			wantInstant(t, "exact deadline", exact.DueAt, at(2027, 12, 28, 0, 0))

			// Opened Tuesday 2027-12-28: 12-29, 12-30, 12-31, then Monday
			// and Tuesday of 2028, counted Monday to Friday.
			e.clock.Set(at(2027, 12, 28, 10, 0))
			e.MustDrain() // the exact case's timers
			c := e.MustOpen("B2")
			wantInstant(t, "provisional deadline", c.DueAt, at(2028, 1, 5, 0, 0))
			wantInstant(t, "warning", c.WarnAt, at(2027, 12, 31, 0, 0))
			if !c.Provisional {
				t.Fatal("a limit counting 2028 days is not provisional")
			}
			wantLimit(t, c, clockReply, engine.Limit{Running: true, Provisional: true})
			limit := e.MustTimer(c, tmLimit)
			if !limit.Provisional || e.MustTimer(c, tmReminder).Provisional {
				t.Fatal("the rows do not say which one is provisional")
			}

			// Without the year's data nothing changes, and nothing is written.
			if n := e.MustRecompute(); n != 0 {
				t.Fatalf("%d cases recomputed without new data", n)
			}
			e.wantEvents(c, "open")

			e.clock.Set(at(2027, 12, 31, 0, 0))
			if n := e.MustDrain(); n != 1 {
				t.Fatalf("%d timers fired at the warning", n)
			}
			if next := e.MustNext(); !next.Equal(at(2028, 1, 5, 0, 0)) {
				t.Fatalf("index next %v", next)
			}

			// The notice arrives: 01-03 is off, so the fifth day is 01-05.
			e.clock.Set(at(2028, 1, 2, 10, 0))
			e.MustPut2028()
			before := e.MustCase(c)
			if n := e.MustRecompute(); n != 1 {
				t.Fatalf("%d cases recomputed, want 1", n)
			}
			c = e.MustCase(c)
			wantInstant(t, "recomputed deadline", c.DueAt, at(2028, 1, 6, 0, 0))
			if c.Provisional || c.Version != before.Version+1 {
				t.Fatalf("recomputed case provisional %v version %d (was %d)", c.Provisional, c.Version, before.Version)
			}
			wantLimit(t, c, clockReply, engine.Limit{Running: true, DueSoon: true, DueAt: ptr(at(2028, 1, 6, 0, 0))})
			row := e.MustTimer(c, tmLimit)
			if row.ID != limit.ID || row.Provisional || !row.DueAt.Equal(at(2028, 1, 6, 0, 0)) || row.Status != engine.TimerPending {
				t.Fatalf("recomputed row %+v", row)
			}
			got := e.mustRecomputed(c, sWaiting)
			if len(got) != 1 || got[0].Timer != tmLimit || got[0].Provisional ||
				got[0].From == nil || !got[0].From.Equal(at(2028, 1, 5, 0, 0)) || got[0].To == nil || !got[0].To.Equal(at(2028, 1, 6, 0, 0)) {
				t.Fatalf("recompute entry %+v", got)
			}
			for _, en := range e.MustLedger(exact) {
				if en.Event == string(engine.EventRecompute) {
					t.Fatal("an exact case got a recompute entry")
				}
			}
			if next := e.MustNext(); !next.Equal(at(2028, 1, 6, 0, 0)) {
				t.Fatalf("index next %v, want the recomputed instant", next)
			}
			if n := e.MustRecompute(); n != 0 {
				t.Fatalf("a second run recomputed %d cases", n)
			}
			e.mustRecomputed(c, sWaiting)

			// It fires at the new instant, not the old one.
			e.clock.Set(at(2028, 1, 5, 0, 0))
			if n := e.MustDrain(); n != 0 {
				t.Fatalf("%d timers fired at the provisional instant", n)
			}
			e.clock.Set(at(2028, 1, 6, 0, 0).Add(-time.Microsecond))
			if n := e.MustDrain(); n != 0 {
				t.Fatalf("%d timers fired a microsecond early", n)
			}
			e.clock.Set(at(2028, 1, 6, 0, 0))
			if n := e.MustDrain(); n != 1 {
				t.Fatalf("%d timers fired at the recomputed instant", n)
			}
			wantInstants(t, "lapse", e.FiredAt(c, evLapse), at(2028, 1, 6, 0, 0))
			if report, err := e.store.VerifyLedger(e.ctx); err != nil || !report.OK() || report.Walked {
				t.Fatalf("ledger does not verify: %+v (%v)", report, err)
			}
		})
	})

	// Opened Thursday 2027-12-30, held on Tuesday 2028-01-04; after the
	// notice, 01-03 is off and the limit ends on 01-07.
	paused := []struct {
		name      string
		extend    int
		left      int // provisional days left at the hold, after any extension
		wantLeft  int // after the recompute
		wantDueAt time.Time
	}{
		// Provisionally 12-31, 01-03, 01-04, 01-05, 01-06: held on 01-04,
		// 01-05 and 01-06 are left. With the notice: 12-31, 01-04, 01-05,
		// 01-06, 01-07; 01-05..01-07 are left. Resumed on Monday 01-10:
		// 01-11..01-13.
		{name: "Paused", left: 2, wantLeft: 3, wantDueAt: at(2028, 1, 14, 0, 0)},
		// Two days more while held: 4 left provisionally, 5 after the
		// notice (the extension is kept). Resumed 01-10: 01-11..01-17.
		{name: "PausedExtended", extend: 2, left: 4, wantLeft: 5, wantDueAt: at(2028, 1, 18, 0, 0)},
	}
	for _, tc := range paused {
		t.Run(tc.name, func(t *testing.T) {
			forEachDB(t, func(t *testing.T, db testsvc.Database) {
				e := MustFlowEnv(t, db, at(2027, 12, 30, 10, 0))
				c := e.MustOpen("B1")
				wantInstant(t, "provisional deadline", c.DueAt, at(2028, 1, 7, 0, 0))
				e.clock.Set(at(2027, 12, 30, 10, 30))
				e.MustFire(c, bankB1, evAccept, nil)
				e.clock.Set(at(2028, 1, 4, 10, 0))
				c = e.MustFire(c, bankB1, evHold, nil)
				if tc.extend > 0 {
					e.clock.Set(at(2028, 1, 4, 11, 0))
					c = e.MustFire(c, windowP1, evExtend, flowInput{Days: tc.extend})
				}
				wantLimit(t, c, clockReply, engine.Limit{Paused: true, Provisional: true, Remaining: tc.left})
				if !c.Provisional {
					t.Fatal("a paused provisional limit does not mark the case provisional")
				}

				e.clock.Set(at(2028, 1, 5, 9, 0))
				e.MustPut2028()
				if n := e.MustRecompute(); n != 1 {
					t.Fatalf("%d cases recomputed, want 1", n)
				}
				c = e.MustCase(c)
				wantLimit(t, c, clockReply, engine.Limit{Paused: true, Remaining: tc.wantLeft})
				if c.Provisional {
					t.Fatal("still provisional after the notice")
				}
				row := e.MustTimer(c, tmLimit)
				if row.Status != engine.TimerPaused || row.Remaining != tc.wantLeft || row.Provisional {
					t.Fatalf("recomputed paused row %+v", row)
				}
				// With the extension the warning, which had fired before the
				// hold, was moved past it and is paused too: both rows are
				// recomputed.
				got := e.mustRecomputed(c, sOnHold)
				want := 1
				if tc.extend > 0 {
					want = 2
				}
				if len(got) != want || got[0].Timer != tmLimit || got[0].Remaining != tc.wantLeft || got[0].Provisional {
					t.Fatalf("recompute entry %+v", got)
				}

				e.clock.Set(at(2028, 1, 10, 10, 0))
				c = e.MustFire(c, windowP1, evResume, nil)
				wantInstant(t, "resumed deadline", c.DueAt, tc.wantDueAt)
				e.MustWalk(tc.wantDueAt.Add(24*time.Hour), time.Hour)
				wantInstants(t, "lapse", e.FiredAt(c, evLapse), tc.wantDueAt)
			})
		})
	}
}
