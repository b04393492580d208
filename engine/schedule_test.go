package engine_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A throwaway duty workflow: opened by the schedule for every bank when a
// quarter ends, due 7 working days after it, with a monthly progress limit
// by the 30th and a limit at the end of the period's last working day.
const (
	dutyName                                 = "drill_duty"
	dOpen, dSubmitted                        = engine.State("open"), engine.State("submitted")
	dNew                                     = engine.State("new")
	evDutyOpen, evSubmit, evProgress         = engine.EventName("open"), engine.EventName("submit"), engine.EventName("progress")
	evDutyLate, evProgressLate, evPeriodOver = engine.EventName("duty_late"), engine.EventName("progress_late"), engine.EventName("period_over")
	relOwner                                 = engine.Relation("owner")
)

var dutyBanks = []string{"B1", "B2", "B3"}

func dutyDefinition(name string, cadence calendar.Cadence, atEnd bool) engine.Definition {
	open := []engine.State{dOpen}
	owner := engine.Grant{Role: engine.RoleBank, Relation: relOwner}
	return engine.Definition{
		Name: name, Initial: dNew, OpenEvent: evDutyOpen,
		States: []engine.StateDef{{Name: dNew, Doc: "新建"}, {Name: dOpen, Doc: "待报送"}, {Name: dSubmitted, Doc: "已报送", Final: true}},
		Events: []engine.EventDef{
			{Name: evDutyOpen, From: []engine.State{dNew}, To: dOpen, Apply: applyDutyOpen},
			{Name: evSubmit, From: open, To: dSubmitted, Grants: []engine.Grant{owner}, TakesFiles: true, NeedsFiles: true},
			{Name: evProgress, From: open, Grants: []engine.Grant{owner}},
			{Name: evDutyLate, From: open},
			{Name: evProgressLate, From: open},
			{Name: evPeriodOver, From: open},
		},
		Clocks:    []engine.ClockDef{{Name: "duty"}, {Name: "progress"}, {Name: "period"}},
		MainClock: "duty",
		Timers: []engine.TimerDef{
			{Name: "duty_warn", Kind: engine.TimerWarning, Clock: "duty", Workdays: 4, Due: engine.DueRule{Kind: engine.DueAfterPeriod},
				Event: evDutyLate, Start: dOpen, Runs: open},
			{Name: "duty_due", Kind: engine.TimerDeadline, Clock: "duty", Workdays: 7, Due: engine.DueRule{Kind: engine.DueAfterPeriod},
				Event: evDutyLate, Start: dOpen, Runs: open},
			{Name: "progress_due", Kind: engine.TimerDeadline, Clock: "progress", Due: engine.DueRule{Kind: engine.DueMonthDay, Day: 30},
				Event: evProgressLate, Start: dOpen, StartOn: []engine.EventName{evProgress}, Runs: open},
			{Name: "period_due", Kind: engine.TimerDeadline, Clock: "period", Due: engine.DueRule{Kind: engine.DueEndOfPeriod},
				Event: evPeriodOver, Start: dOpen, Runs: open},
		},
		Schedule: &engine.ScheduleDef{Cadence: cadence, AtEnd: atEnd,
			Orgs: func(context.Context, engine.DirectoryAdmin, calendar.Period) ([]string, error) { return dutyBanks, nil }},
	}
}

func applyDutyOpen(_ context.Context, t *engine.Transition) error {
	var in engine.ScheduledOpening
	if err := json.Unmarshal(t.Payload, &in); err != nil {
		return err
	}
	c := t.Case
	c.Period, c.ScheduledFor, c.Title, c.Number = in.Period, in.Org, in.Org+" "+in.Period, "D-"+in.Period+"-"
	c.Parties = []engine.Party{{Org: in.Org, Relation: relOwner}}
	return nil
}

func mustDutyEnv(t *testing.T, db testsvc.Database, start time.Time) *flowEnv {
	t.Helper()
	e := MustFlowEnv(t, db, start)
	e.engine.Register(dutyDefinition(dutyName, calendar.Quarterly, true))
	return e
}

func (e *flowEnv) mustScheduled(workflow, period string) map[string]*engine.Case {
	e.t.Helper()
	cases, err := e.engine.Cases(e.ctx, engine.System, engine.CaseFilter{Workflow: workflow, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	out := make(map[string]*engine.Case)
	for _, c := range cases {
		if c.Period != period {
			continue
		}
		if out[c.ScheduledFor] != nil {
			e.t.Fatalf("%s: two cases for %s", period, c.ScheduledFor)
		}
		out[c.ScheduledFor] = c
	}
	return out
}

// A quarter's duty opens for every bank when the quarter ends and falls due
// 7 working days after its last day: Q3 2026 on 2026-10-16 00:00, National
// Day and the make-up Saturday of 10-10 between. Q4 2026 across New Year
// 2027: due 2027-01-13 00:00.
func TestScheduledDutyAcrossHolidays(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustDutyEnv(t, db, at(2026, 9, 30, 23, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 0 {
			t.Fatalf("before the quarter ends: opened %d, %v; want none (the schedule starts now)", n, err)
		}
		e.clock.Set(at(2026, 10, 1, 0, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 3 {
			t.Fatalf("at the quarter's end: opened %d, %v; want one per bank", n, err)
		}
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 0 {
			t.Fatalf("again: opened %d, %v; want none", n, err)
		}
		got := e.mustScheduled(dutyName, "2026Q3")
		for _, b := range dutyBanks {
			c := got[b]
			if c == nil {
				t.Fatalf("no 2026Q3 case for %s", b)
			}
			wantInstant(t, "Q3 warning", c.WarnAt, at(2026, 10, 13, 0, 0))
			wantInstant(t, "Q3 due", c.DueAt, at(2026, 10, 16, 0, 0))
			wantLimit(t, c, "period", engine.Limit{Running: true, DueAt: ptr(at(2026, 10, 1, 0, 0))})
		}
		// It falls due on the fake clock at that instant, not a microsecond before.
		e.clock.Set(at(2026, 10, 16, 0, 0).Add(-time.Microsecond))
		e.MustDrain()
		if c := e.MustCase(got["B1"]); c.PastDue {
			t.Fatal("past due a microsecond early")
		}
		e.clock.Set(at(2026, 10, 16, 0, 0))
		e.MustDrain()
		if c := e.MustCase(got["B1"]); !c.PastDue {
			t.Fatal("not past due at 10-16 00:00")
		}

		e.clock.Set(at(2027, 1, 1, 8, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 3 {
			t.Fatalf("Q4: opened %d, %v", n, err)
		}
		// 2027-01-01 is New Year's Day: 01-04 to 01-08, 01-11 and 01-12; due 01-13 00:00.
		wantInstant(t, "Q4 due", e.mustScheduled(dutyName, "2026Q4")["B2"].DueAt, at(2027, 1, 13, 0, 0))
	})
}

// A scheduler that was down over two quarter ends opens both quarters when
// it starts — but not the quarters that ended before the schedule first ran.
func TestScheduledCatchUp(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustDutyEnv(t, db, at(2026, 8, 20, 10, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 0 {
			t.Fatalf("first run: opened %d, %v; want none", n, err)
		}
		e.clock.Set(at(2027, 1, 5, 9, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 6 {
			t.Fatalf("after the outage: opened %d, %v; want Q3 and Q4 for three banks", n, err)
		}
		for _, p := range []string{"2026Q3", "2026Q4"} {
			if got := e.mustScheduled(dutyName, p); len(got) != 3 {
				t.Fatalf("%s: %d cases, want 3", p, len(got))
			}
		}
		if got := e.mustScheduled(dutyName, "2026Q2"); len(got) != 0 {
			t.Fatalf("2026Q2 opened %d cases; it ended before the schedule first ran", len(got))
		}
	})
}

// Three schedulers, each with its own engine and database connections,
// started together at a quarter's end open exactly one case per bank.
func TestScheduledOnceAcrossSchedulers(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustDutyEnv(t, db, at(2026, 6, 30, 12, 0))
		if _, err := e.engine.OpenScheduled(e.ctx); err != nil {
			t.Fatal(err)
		}
		clock := engine.NewFakeClock(at(2026, 7, 1, 0, 0))
		var engines []*engine.Engine
		for range 3 {
			store, err := sqlstore.Open(e.ctx, e.url, sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			x := engine.New(engine.Config{Store: store, Clock: clock, Calendar: e.overrides.Live()})
			x.Register(dutyDefinition(dutyName, calendar.Quarterly, true))
			engines = append(engines, x)
		}
		var wg sync.WaitGroup
		opened := make([]int, len(engines))
		errs := make([]error, len(engines))
		for i, x := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				opened[i], errs[i] = x.OpenScheduled(e.ctx)
			}()
		}
		wg.Wait()
		total := 0
		for i := range engines {
			if errs[i] != nil {
				t.Fatalf("scheduler %d: %v", i, errs[i])
			}
			total += opened[i]
		}
		if got := e.mustScheduled(dutyName, "2026Q2"); total != 3 || len(got) != 3 {
			t.Fatalf("opened %v (total %d), %d cases; want exactly one per bank", opened, total, len(got))
		}
	})
}

// Plan 3's monthly progress by the 30th falls on the last day of February;
// progress filed re-arms the limit for the next month's 30th.
func TestMonthDayDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2027, 2, 10, 9, 0))
		e.engine.Register(dutyDefinition(dutyName, calendar.Quarterly, true))
		c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: dutyName, Actor: engine.System,
			Payload: MustJSON(t, engine.ScheduledOpening{Org: "B1", Period: "2027Q1"})})
		if err != nil {
			t.Fatal(err)
		}
		wantLimit(t, c, "progress", engine.Limit{Running: true, DueAt: ptr(at(2027, 3, 1, 0, 0))})
		owner := engine.Actor{User: "b1", Role: engine.RoleBank, Org: "B1"}
		e.clock.Set(at(2027, 2, 20, 9, 0))
		c = e.MustFire(c, owner, evProgress, nil)
		wantLimit(t, c, "progress", engine.Limit{Running: true, DueAt: ptr(at(2027, 3, 31, 0, 0))})
		// Opened after the 30th: due the next month's.
		e.clock.Set(at(2027, 3, 30, 15, 0))
		d, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: dutyName, Actor: engine.System,
			Payload: MustJSON(t, engine.ScheduledOpening{Org: "B2", Period: "2027Q1"})})
		if err != nil {
			t.Fatal(err)
		}
		wantLimit(t, d, "progress", engine.Limit{Running: true, DueAt: ptr(at(2027, 3, 31, 0, 0))})
		e.clock.Set(at(2027, 3, 31, 0, 1))
		e2, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: dutyName, Actor: engine.System,
			Payload: MustJSON(t, engine.ScheduledOpening{Org: "B3", Period: "2027Q1"})})
		if err != nil {
			t.Fatal(err)
		}
		wantLimit(t, e2, "progress", engine.Limit{Running: true, DueAt: ptr(at(2027, 5, 1, 0, 0))})
	})
}

// A half-year duty opens when the half-year begins and falls due at the end
// of its last working day: 2026-12-31 is a Thursday before New Year's Day.
func TestEndOfPeriodDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustFlowEnv(t, db, at(2026, 6, 30, 23, 0))
		e.engine.Register(dutyDefinition("drill_visit", calendar.HalfYearly, false))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 3 {
			t.Fatalf("first run in 2026H1: opened %d, %v; want the current half-year for three banks", n, err)
		}
		wantLimit(t, e.mustScheduled("drill_visit", "2026H1")["B1"], "period", engine.Limit{Running: true, DueAt: ptr(at(2026, 7, 1, 0, 0))})
		e.clock.Set(at(2026, 7, 1, 0, 0))
		if n, err := e.engine.OpenScheduled(e.ctx); err != nil || n != 3 {
			t.Fatalf("2026H2: opened %d, %v", n, err)
		}
		wantLimit(t, e.mustScheduled("drill_visit", "2026H2")["B3"], "period", engine.Limit{Running: true, DueAt: ptr(at(2027, 1, 1, 0, 0))})
	})
}

// A file handed in with an event is kept with the case, in its transaction,
// and its SHA-256 is in the ledger entry; only those who see the case read
// it back.
func TestFilesHandedIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustDutyEnv(t, db, at(2026, 10, 9, 9, 0))
		c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: dutyName, Actor: engine.System,
			Payload: MustJSON(t, engine.ScheduledOpening{Org: "B1", Period: "2026Q3"})})
		if err != nil {
			t.Fatal(err)
		}
		owner := engine.Actor{User: "b1", Role: engine.RoleBank, Org: "B1"}
		fire := func(files ...engine.File) (*engine.Case, error) {
			return e.engine.Fire(e.ctx, engine.FireRequest{CaseID: c.ID, Event: evSubmit, Actor: owner, Version: c.Version, Files: files})
		}
		if _, err := fire(); engine.ErrorCode(err) != engine.EINVALID {
			t.Fatalf("a submission without its file: %v, want validation_failed", err)
		}
		if _, err := fire(engine.File{Name: "../etc/passwd", Content: []byte("x")}); engine.ErrorCode(err) != engine.EINVALID {
			t.Fatalf("a file named with a path: %v, want validation_failed", err)
		}
		content := []byte("PK\x03\x04 the quarter's ledger")
		sum := sha256.Sum256(content)
		sha := hex.EncodeToString(sum[:])
		if _, err := fire(engine.File{Name: "解决台账-2026Q3.xlsx", MediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Content: content}); err != nil {
			t.Fatal(err)
		}
		entries := e.MustLedger(c)
		var last struct {
			Files []engine.FileRef `json:"files"`
		}
		if err := json.Unmarshal(entries[len(entries)-1].Payload, &last); err != nil || len(last.Files) != 1 || last.Files[0].SHA256 != sha || last.Files[0].Size != len(content) {
			t.Fatalf("ledger names %+v (%v), want the file's SHA-256 %s", last.Files, err, sha)
		}
		f, err := e.engine.CaseFile(e.ctx, owner, c.ID, sha)
		if err != nil || !bytes.Equal(f.Content, content) || f.Name != "解决台账-2026Q3.xlsx" || f.CreatedBy != "b1" {
			t.Fatalf("read back %+v, %v", f, err)
		}
		other := engine.Actor{User: "b2", Role: engine.RoleBank, Org: "B2"}
		if _, err := e.engine.CaseFile(e.ctx, other, c.ID, sha); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("another bank reads the file: %v", err)
		}
		if _, err := e.engine.CaseFile(e.ctx, owner, c.ID, "00"); engine.ErrorCode(err) != engine.ENOTFOUND {
			t.Fatalf("an unknown file: %v", err)
		}
		if report, err := e.store.VerifyLedger(e.ctx); err != nil || !report.OK() || report.Walked {
			t.Fatalf("ledger: %+v, %v", report, err)
		}
	})
}
