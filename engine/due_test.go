package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A throwaway filing duty: a change takes effect on a date given when the
// case opens, must be filed within 3 working days of it, and is reminded 5
// and 1 working days before that.
const (
	changeName                   = "drill_change"
	evChangeOpen, evChangeFile   = engine.EventName("open"), engine.EventName("file")
	evChangeRemind, evChangeLate = engine.EventName("remind"), engine.EventName("late")
	tmChangeDue                  = "change_due"
)

func changeDefinition() engine.Definition {
	open := []engine.State{dOpen}
	return engine.Definition{
		Name: changeName, Initial: dNew, OpenEvent: evChangeOpen,
		States: []engine.StateDef{{Name: dNew, Doc: "新建"}, {Name: dOpen, Doc: "待报备"}, {Name: dSubmitted, Doc: "已报备", Final: true}},
		Events: []engine.EventDef{
			{Name: evChangeOpen, From: []engine.State{dNew}, To: dOpen, Grants: []engine.Grant{{Role: engine.RoleBank}}, Apply: applyChangeOpen},
			{Name: evChangeFile, From: open, To: dSubmitted, Grants: []engine.Grant{{Role: engine.RoleBank, Relation: relOwner}}},
			{Name: evChangeRemind, From: open},
			{Name: evChangeLate, From: open},
		},
		Clocks:    []engine.ClockDef{{Name: "filing"}},
		MainClock: "filing",
		Timers: []engine.TimerDef{
			{Name: tmChangeDue, Kind: engine.TimerDeadline, Clock: "filing", FromInput: true, Event: evChangeLate, Start: dOpen, Runs: open},
			{Name: "remind_5", Kind: engine.TimerReminder, Clock: "filing", Workdays: 5, Due: engine.DueRule{Kind: engine.DueBeforeDeadline},
				Event: evChangeRemind, Start: dOpen, Runs: open},
			{Name: "remind_1", Kind: engine.TimerReminder, Clock: "filing", Workdays: 1, Due: engine.DueRule{Kind: engine.DueBeforeDeadline},
				Event: evChangeRemind, Start: dOpen, Runs: open},
		},
	}
}

// applyChangeOpen sets the filing's due instant: 24:00 of the 3rd working
// day after the change's effective date.
func applyChangeOpen(_ context.Context, t *engine.Transition) error {
	var in struct {
		Effective calendar.Date `json:"effective"`
	}
	if err := json.Unmarshal(t.Payload, &in); err != nil {
		return err
	}
	due, _, err := t.Calendar.ProvisionalDeadline(in.Effective.Start(), 3)
	if err != nil {
		return err
	}
	t.SetDue(tmChangeDue, due)
	t.Case.Number, t.Case.Title = "CH-", "change "+in.Effective.String()
	t.Case.Parties = []engine.Party{{Org: t.Actor.Org, Relation: relOwner}}
	return nil
}

// A change effective on the Friday before Spring Festival 2026 (02-13) is
// due 3 working days later: the make-up Saturday 02-14, then 02-24 and
// 02-25 after the nine days off, so 02-26 00:00. Announced on 02-09 it is
// reminded 5 working days before (end of 02-11) and 1 before (end of
// 02-24); announced on the day itself, the first reminder has passed and
// is not armed.
func TestRemindersBeforeDeadline(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 2, 9, 9, 0))
		e.engine.Register(changeDefinition())
		bank := engine.Actor{User: "bank-B1", Role: engine.RoleBank, Org: "B1"}
		open := func() *engine.Case {
			c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: changeName, Actor: bank,
				Payload: MustJSON(t, map[string]string{"effective": "2026-02-13"})})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		early := open()
		wantInstant(t, "due", early.DueAt, at(2026, 2, 26, 0, 0))
		wantInstant(t, "5 working days before", ptr(e.MustTimer(early, "remind_5").DueAt), at(2026, 2, 12, 0, 0))
		wantInstant(t, "1 working day before", ptr(e.MustTimer(early, "remind_1").DueAt), at(2026, 2, 25, 0, 0))

		e.clock.Set(at(2026, 2, 13, 10, 0))
		late := open()
		if rows := e.MustTimers(late, "remind_5"); len(rows) != 0 {
			t.Fatalf("a reminder already past is armed: %+v", rows)
		}
		wantInstant(t, "1 working day before (announced late)", ptr(e.MustTimer(late, "remind_1").DueAt), at(2026, 2, 25, 0, 0))

		// Walk the fake clock hour by hour through the holiday: each
		// reminder fires at its instant, the limit falls due after them,
		// and a reminder leaves the limit running and not due soon.
		e.clock.Set(at(2026, 2, 9, 9, 0))
		e.MustWalk(at(2026, 2, 24, 23, 0), time.Hour)
		wantInstants(t, "early reminders", e.FiredAt(early, evChangeRemind), at(2026, 2, 12, 0, 0))
		if c := e.MustCase(early); c.PastDue || c.DueSoon {
			t.Fatalf("a reminder moved the limit: past due %v, due soon %v", c.PastDue, c.DueSoon)
		}
		e.MustWalk(at(2026, 2, 26, 1, 0), time.Hour)
		wantInstants(t, "early reminders", e.FiredAt(early, evChangeRemind), at(2026, 2, 12, 0, 0), at(2026, 2, 25, 0, 0))
		wantInstants(t, "late reminders", e.FiredAt(late, evChangeRemind), at(2026, 2, 25, 0, 0))
		wantInstants(t, "late", e.FiredAt(early, evChangeLate), at(2026, 2, 26, 0, 0))
		if c := e.MustCase(early); !c.PastDue {
			t.Fatal("not past due after 02-26 00:00")
		}
	})
}

// A reminder before a deadline is refused on a clock without a deadline
// declared before it, on a timer that is not a reminder, and without a
// number of working days.
func TestBeforeDeadlineDeclarations(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(d *engine.Definition)
		want string
	}{
		{"NoDeadlineBefore", func(d *engine.Definition) { d.Timers = append(d.Timers[1:], d.Timers[0]) }, "declares none before it"},
		{"NotAReminder", func(d *engine.Definition) { d.Timers[2].Kind = engine.TimerWarning }, "only a reminder"},
		{"NoWorkdays", func(d *engine.Definition) { d.Timers[1].Workdays = 0 }, "only a reminder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := changeDefinition()
			tc.edit(&d)
			defer func() {
				if msg, _ := recover().(string); !strings.Contains(msg, tc.want) {
					t.Fatalf("panic %q does not mention %q", msg, tc.want)
				}
			}()
			engine.New(engine.Config{}).Register(d)
		})
	}
}
