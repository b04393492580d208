// Package visits declares the park visits (入园走访) of plan 6, rule 8: at
// least once every half-year the lead bank's president leads a visit to
// each park it is paired with, with the local financial office, the local
// central-bank branch, other banks and guarantee companies. Each half-year
// of each park is a case that opens when the half-year begins, owned by the
// park's lead bank of that year, with the park and its county as parties.
// The bank records its visits — the date, who took part, the enterprises
// visited and the problems found (问题清单); the first visit meets the
// duty, and more may follow. A half-year without a visit turns red after
// its last working day, with reminders to the bank 5 and 1 working days
// before. The park's window turns a problem into a financing case in one
// step: the case opens at that window for the enterprise, routed to the
// lead bank, and the problem names it.
package visits

import (
	"context"
	"fmt"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Name identifies the workflow.
const Name = "visits"

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words.
func Key(kind, name string) string { return words.Key(kind, name) }

// The states of a park's half-year.
const (
	// New is the case before the schedule opens it.
	New engine.State = "new"
	// Pending waits for the half-year's first visit (待走访).
	Pending engine.State = "pending"
	// Visited has at least one visit; more may be recorded (已走访).
	Visited engine.State = "visited"
	// Closed ends the half-year (已结束); its problems may still become
	// financing cases.
	Closed engine.State = "closed"
)

// The events of a park's half-year.
const (
	// Open is fired by the schedule for each park when a half-year begins.
	Open engine.EventName = "open"
	// RecordVisit records one visit: date, participants, enterprises and
	// problems.
	RecordVisit engine.EventName = "record_visit"
	// OpenCase turns a problem into a financing case at the park's window.
	OpenCase engine.EventName = "open_case"
	// Close ends the half-year once it has a visit.
	Close engine.EventName = "close"
	// RemindEarly tells the bank 5 working days are left.
	RemindEarly engine.EventName = "remind_early"
	// Remind tells the bank one working day is left.
	Remind engine.EventName = "remind"
	// Lapse marks the half-year without a visit late.
	Lapse engine.EventName = "lapse"
)

// ClockVisit is the half-year's limit: 24:00 of its last working day.
const ClockVisit = "visit"

// The relations of a park's half-year.
const (
	// RelBank is the park's lead bank, whose president leads the visit.
	RelBank engine.Relation = "bank"
	// RelPark is the park visited; its window turns problems into cases.
	RelPark engine.Relation = "park"
	// RelCounty is the park's county office, which watches.
	RelCounty engine.Relation = "county"
)

// Config holds the workflow's numbers; zero fields take plan 6's.
type Config struct {
	// RemindWorkdays are the reminders before the half-year's last working
	// day ends: 5 and 1.
	RemindWorkdays [2]int
}

func (c Config) withDefaults() Config {
	if c.RemindWorkdays[0] <= 0 {
		c.RemindWorkdays[0] = 5
	}
	if c.RemindWorkdays[1] <= 0 {
		c.RemindWorkdays[1] = 1
	}
	return c
}

// Definition declares the workflow.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	bank := engine.Grant{Role: engine.RoleBank, Relation: RelBank}
	// The park's window turns a problem into a case: plan 6 (rule 3) has
	// the window register every financing need and feed the answer back
	// to the enterprise, and the financing case it opens is the window's
	// own (its open event grants the park's window alone). The bank found
	// the problem; the window, which the enterprise deals with, registers
	// it, and the engine checks both grants in the one transaction.
	window := engine.Grant{Role: engine.RoleWindow, Relation: RelPark}
	pending := []engine.State{Pending}
	return words.Describe(engine.Definition{
		Name: Name, Initial: New, OpenEvent: Open,
		States: []engine.StateDef{{Name: New}, {Name: Pending}, {Name: Visited}, {Name: Closed, Final: true}},
		Events: []engine.EventDef{
			{Name: Open, From: []engine.State{New}, To: Pending, Input: engine.ScheduledOpening{}, Apply: open},
			{Name: RecordVisit, From: []engine.State{Pending, Visited}, To: Visited, Grants: []engine.Grant{bank},
				Input: VisitInput{}, Apply: recordVisit},
			{Name: OpenCase, From: []engine.State{Visited, Closed}, Grants: []engine.Grant{window},
				Input: CaseInput{}, Apply: openCase},
			{Name: Close, From: []engine.State{Visited}, To: Closed, Grants: []engine.Grant{bank},
				Input: CloseInput{}, Apply: closeHalf},
			{Name: RemindEarly, From: pending},
			{Name: Remind, From: pending},
			{Name: Lapse, From: pending},
		},
		Viewers:   []engine.Grant{{Role: engine.RoleCounty, Relation: RelCounty}, {Role: engine.RoleCountyPBoC, Relation: RelCounty}, {Role: engine.RoleCity}, {Role: engine.RolePBoC}},
		Clocks:    []engine.ClockDef{{Name: ClockVisit}},
		MainClock: ClockVisit,
		Timers: []engine.TimerDef{
			{Name: "visit_limit", Kind: engine.TimerDeadline, Clock: ClockVisit,
				Due: engine.DueRule{Kind: engine.DueEndOfPeriod}, Event: Lapse, Start: Pending, Runs: pending},
			{Name: "visit_reminder_early", Kind: engine.TimerReminder, Clock: ClockVisit, Workdays: cfg.RemindWorkdays[0],
				Due: engine.DueRule{Kind: engine.DueBeforeDeadline}, Event: RemindEarly, Start: Pending, Runs: pending},
			{Name: "visit_reminder", Kind: engine.TimerReminder, Clock: ClockVisit, Workdays: cfg.RemindWorkdays[1],
				Due: engine.DueRule{Kind: engine.DueBeforeDeadline}, Event: Remind, Start: Pending, Runs: pending},
		},
		Schedule: &engine.ScheduleDef{Cadence: calendar.HalfYearly, Orgs: pairedParks},
		Notices:  notices(),
	})
}

// pairedParks lists the parks that have a lead bank in the half-year's
// year: each gets its half-year's case.
func pairedParks(ctx context.Context, dir engine.DirectoryAdmin, p calendar.Period) ([]string, error) {
	pairings, err := dir.Pairings(ctx, p.From.Year)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := make(map[string]bool)
	for _, pr := range pairings {
		if !seen[pr.Park] {
			seen[pr.Park] = true
			out = append(out, pr.Park)
		}
	}
	return out, nil
}

// open gives the scheduled case its park, lead bank, county, period, title
// and number.
func open(ctx context.Context, t *engine.Transition) error {
	var in engine.ScheduledOpening
	return payload.Apply(t, &in, func(c *payload.Checker, in *engine.ScheduledOpening) {
		words.Opening(c, Open, in, calendar.HalfYearly, "2026H2")
	}, func(in *engine.ScheduledOpening) error {
		park, err := t.Directory.Park(ctx, in.Org)
		if err != nil {
			return err
		}
		p, _, _ := calendar.ParsePeriodName(in.Period)
		pairing, err := t.Directory.LeadBank(ctx, park.Code, p.From.Year)
		if err != nil {
			return err
		}
		bank, err := t.Directory.Bank(ctx, pairing.Bank)
		if err != nil {
			return err
		}
		c := t.Case
		c.Period, c.ScheduledFor = in.Period, park.Code
		c.Title = fmt.Sprintf("%s %s", park.Name, in.Period)
		c.Number = "ZF-" + in.Period + "-"
		c.Parties = []engine.Party{{Org: bank.Code, Relation: RelBank}, {Org: park.Code, Relation: RelPark}, {Org: park.County, Relation: RelCounty}}
		d := &Data{Park: park.Code, ParkName: park.Name, County: park.County, Bank: bank.Code, BankName: bank.Name}
		return d.store(c)
	})
}
