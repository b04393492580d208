// Package submission declares the quarterly submission of the resolution
// ledger (季度解决台账报送): when a quarter ends, every lead bank has a case
// of its own, due at 24:00 of the 7th working day after the quarter's last
// day; the bank reviews the generated ledger of its parks, annotates it and
// hands in the workbook; the city financial office accepts it or returns it
// for correction, with a fresh limit of 3 working days. A late submission
// stays red and counts against the bank in the ranking.
package submission

import (
	"context"
	"fmt"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Name identifies the workflow.
const Name = "submission"

// words are the workflow's words in the catalogue (package locale).
const words = payload.Words(Name)

// Key returns the catalogue key of one of the workflow's words.
func Key(kind, name string) string { return words.Key(kind, name) }

// The states of a submission.
const (
	// New is the case before the schedule opens it.
	New engine.State = "new"
	// Pending waits for the bank's workbook (待报送).
	Pending engine.State = "pending"
	// Submitted waits for the city office's review (待审核).
	Submitted engine.State = "submitted"
	// Returned waits for the bank's correction (退回修改).
	Returned engine.State = "returned"
	// Accepted ends the case (已通过).
	Accepted engine.State = "accepted"
)

// The events of a submission.
const (
	// Open is fired by the schedule for each lead bank when a quarter ends.
	Open engine.EventName = "open"
	// Submit hands in the bank's workbook.
	Submit engine.EventName = "submit"
	// Accept is the city office's acceptance.
	Accept engine.EventName = "accept"
	// Return sends the workbook back for correction.
	Return engine.EventName = "return"
	// RemindEarly tells the bank 5 working days are left.
	RemindEarly engine.EventName = "remind_early"
	// Remind marks the submission due soon (one working day left).
	Remind engine.EventName = "remind"
	// Lapse marks the submission late.
	Lapse engine.EventName = "lapse"
	// CorrectionLapse marks a correction late.
	CorrectionLapse engine.EventName = "correction_lapse"
)

// The clocks of a submission.
const (
	// ClockSubmission is the quarter's limit, the main one.
	ClockSubmission = "submission"
	// ClockCorrection is the limit of a correction.
	ClockCorrection = "correction"
)

// RelBank is the lead bank the submission is due from.
const RelBank engine.Relation = "bank"

// Config holds the workflow's numbers; zero fields take plan 6's.
type Config struct {
	// Workdays after the quarter's last day: 7.
	Workdays int
	// WarnWorkdays after the quarter's last day marks the case due soon:
	// 6, one working day before the limit.
	WarnWorkdays int
	// RemindWorkdays after the quarter's last day reminds the bank: 2, five
	// working days before the limit.
	RemindWorkdays int
	// CorrectionWorkdays is the limit of a correction: 3.
	CorrectionWorkdays int
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Workdays, 7)
	def(&c.WarnWorkdays, 6)
	def(&c.RemindWorkdays, 2)
	def(&c.CorrectionWorkdays, 3)
	return c
}

// Definition declares the workflow.
func Definition(cfg Config) engine.Definition {
	cfg = cfg.withDefaults()
	bank := engine.Grant{Role: engine.RoleBank, Relation: RelBank}
	city := engine.Grant{Role: engine.RoleCity}
	pboc := engine.Grant{Role: engine.RolePBoC}
	pending := []engine.State{Pending}
	return words.Describe(engine.Definition{
		Name: Name, Initial: New, OpenEvent: Open,
		States: []engine.StateDef{
			{Name: New}, {Name: Pending}, {Name: Submitted}, {Name: Returned}, {Name: Accepted, Final: true},
		},
		Events: []engine.EventDef{
			{Name: Open, From: []engine.State{New}, To: Pending, Input: engine.ScheduledOpening{}, Apply: open},
			{Name: Submit, From: []engine.State{Pending, Returned}, To: Submitted, Grants: []engine.Grant{bank},
				Input: SubmitInput{}, TakesFiles: true, NeedsFiles: true, Apply: submit},
			{Name: Accept, From: []engine.State{Submitted}, To: Accepted, Grants: []engine.Grant{city},
				Input: AcceptInput{}, Apply: accept},
			{Name: Return, From: []engine.State{Submitted}, To: Returned, Grants: []engine.Grant{city},
				Input: ReturnInput{}, Apply: giveBack},
			{Name: RemindEarly, From: pending},
			{Name: Remind, From: pending},
			{Name: Lapse, From: pending},
			{Name: CorrectionLapse, From: []engine.State{Returned}},
		},
		Viewers: []engine.Grant{pboc},
		Clocks: []engine.ClockDef{
			{Name: ClockSubmission}, {Name: ClockCorrection},
		},
		MainClock: ClockSubmission,
		Timers: []engine.TimerDef{
			{Name: "submission_reminder", Kind: engine.TimerReminder, Clock: ClockSubmission, Workdays: cfg.RemindWorkdays,
				Due: engine.DueRule{Kind: engine.DueAfterPeriod}, Event: RemindEarly, Start: Pending, Runs: pending},
			{Name: "submission_warning", Kind: engine.TimerWarning, Clock: ClockSubmission, Workdays: cfg.WarnWorkdays,
				Due: engine.DueRule{Kind: engine.DueAfterPeriod}, Event: Remind, Start: Pending, Runs: pending},
			{Name: "submission_limit", Kind: engine.TimerDeadline, Clock: ClockSubmission, Workdays: cfg.Workdays,
				Due: engine.DueRule{Kind: engine.DueAfterPeriod}, Event: Lapse, Start: Pending, Runs: pending},
			{Name: "correction_limit", Kind: engine.TimerDeadline, Clock: ClockCorrection, Workdays: cfg.CorrectionWorkdays,
				Event: CorrectionLapse, Start: Returned, Runs: []engine.State{Returned}},
		},
		Schedule: &engine.ScheduleDef{Cadence: calendar.Quarterly, AtEnd: true, Orgs: leadBanks},
		Notices:  notices(),
	})
}

// leadBanks lists the banks that were a park's lead bank at some time in
// the quarter: every pairing of its year not superseded before it began.
func leadBanks(ctx context.Context, dir engine.DirectoryAdmin, p calendar.Period) ([]string, error) {
	pairings, err := dir.Pairings(ctx, p.To.Year)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := make(map[string]bool)
	for _, pr := range pairings {
		if pr.SupersededAt != nil && pr.SupersededAt.Before(p.From.Start()) {
			continue
		}
		if !seen[pr.Bank] {
			seen[pr.Bank] = true
			out = append(out, pr.Bank)
		}
	}
	return out, nil
}

// open gives the scheduled case its bank, period, title and number.
func open(ctx context.Context, t *engine.Transition) error {
	var in engine.ScheduledOpening
	return payload.Apply(t, &in, func(c *payload.Checker, in *engine.ScheduledOpening) {
		words.Opening(c, Open, in, calendar.Quarterly, "2026Q3")
	}, func(in *engine.ScheduledOpening) error {
		b, err := t.Directory.Bank(ctx, in.Org)
		if err != nil {
			return err
		}
		c := t.Case
		c.Period, c.ScheduledFor = in.Period, b.Code
		c.Title = fmt.Sprintf("%s %s", b.Name, in.Period)
		c.Number = "TZ-" + in.Period + "-"
		c.Parties = []engine.Party{{Org: b.Code, Relation: RelBank}}
		return nil
	})
}
