package report

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/ledger"
	"github.com/parkfin/parkfin/workflows/financing"
)

// Kinds of counted events (report_events.kind).
const (
	KindReturn    = "return"
	KindExtension = "extension"
	KindEscalate  = "escalate"
	KindRedo      = "redo"
	KindFollowUp  = "follow_up"
)

// caseFact is one case as the indicators see it (a report_cases row).
type caseFact struct {
	CaseID      string `gorm:"column:case_id;primaryKey"`
	Number      string
	Park        string
	County      string
	BankFirst   string
	BankLast    string
	ReceivedAt  time.Time
	RoutedAt    time.Time
	WindowDelay int
	SoughtFen   *int64
	State       string
	Outcome     string
	ClosedAt    *time.Time
	FinancedFen *int64
	Escalated   bool
	Seq         int64
}

func (caseFact) TableName() string { return "report_cases" }

// roundFact is one bank's turn with a case (a report_rounds row).
type roundFact struct {
	CaseID         string `gorm:"column:case_id;primaryKey"`
	Idx            int    `gorm:"primaryKey"`
	Bank           string
	Park           string
	County         string
	Cause          string
	RoutedAt       time.Time
	AcceptedAt     *time.Time
	SignWorkdays   *int
	AnsweredAt     *time.Time
	AnswerWorkdays *int
	Late           bool
	WorkdaysLate   int
	// DueAt is the instant the bank's limit fell (after extensions), nil
	// while it is paused or when the round ended while paused.
	DueAt *time.Time
	// EndedAt is when the round ended without an answer (returned,
	// transferred, escalated by the county, withdrawn, closed); nil when
	// answered or still with the bank.
	EndedAt *time.Time
	// SettledAt is AnsweredAt or EndedAt: when the round stopped waiting
	// on the bank.
	SettledAt *time.Time
}

func (roundFact) TableName() string { return "report_rounds" }

// eventFact is one counted event of a case (a report_events row).
type eventFact struct {
	CaseID string `gorm:"column:case_id;primaryKey"`
	Idx    int    `gorm:"primaryKey"`
	Kind   string
	At     time.Time
	Bank   string
	Park   string
	County string
	Value  string
}

func (eventFact) TableName() string { return "report_events" }

// facts are the rows of one case.
type facts struct {
	c      caseFact
	rounds []roundFact
	events []eventFact
}

// Fen converts a yuan decimal string to fen (分); "" is nil.
func Fen(yuan string) (*int64, error) {
	if yuan == "" {
		return nil, nil
	}
	d, err := decimal.NewFromString(yuan)
	if err != nil {
		return nil, fmt.Errorf("report: amount %q: %w", yuan, err)
	}
	f := d.Shift(2).Round(0).IntPart()
	return &f, nil
}

// workdaysSince counts working days after the day of from up to and
// including the day of to, as the workflow counts the days to sign.
func workdaysSince(cal engine.Calendar, from, to time.Time) (int, error) {
	end := calendar.DateOf(to).AddDays(1).Start()
	n, _, err := cal.ProvisionalRemaining(from, end)
	return n, err
}

// derive computes a case's facts from the case, its timer rows and its
// ledger.
func derive(c *engine.Case, timers []engine.Timer, entries []ledger.Entry, cal engine.Calendar) (*facts, error) {
	d, err := financing.DataOf(c)
	if err != nil {
		return nil, fmt.Errorf("report: case %s: %w", c.Number, err)
	}
	f := &facts{}
	sought, err := Fen(d.Amount)
	if err != nil {
		return nil, err
	}
	var financed *int64
	if d.Feedback != nil {
		if financed, err = Fen(d.Feedback.AmountFinanced); err != nil {
			return nil, err
		}
	}
	first, last := "", d.LeadBank
	if len(d.Rounds) > 0 {
		first = d.Rounds[0].Bank
		last = d.Rounds[len(d.Rounds)-1].Bank
	}
	var closed *time.Time
	if c.State == financing.Closed && d.ClosedAt != nil {
		t := d.ClosedAt.UTC()
		closed = &t
	}
	var seq int64 // the case's last sealed entry's: unsealed ones have none yet
	for i := len(entries) - 1; i >= 0 && seq == 0; i-- {
		seq = entries[i].Seq
	}
	f.c = caseFact{CaseID: c.ID, Number: c.Number, Park: d.Park, County: d.County, BankFirst: first, BankLast: last,
		ReceivedAt: c.ReceivedAt.UTC(), RoutedAt: c.RoutedAt.UTC(), WindowDelay: d.WindowDelayWorkdays,
		SoughtFen: sought, State: string(c.State), Outcome: d.Outcome, ClosedAt: closed, Escalated: d.Escalation != nil,
		Seq: seq}
	if closed != nil {
		f.c.FinancedFen = financed
	} else {
		f.c.Outcome = ""
	}
	limits := limitRows(timers)
	for i, r := range d.Rounds {
		rf := roundFact{CaseID: c.ID, Idx: i, Bank: r.Bank, Park: d.Park, County: d.County, Cause: string(r.Cause),
			RoutedAt: r.RoutedAt.UTC(), AcceptedAt: utcPtr(r.AcceptedAt), SignWorkdays: r.SignWorkdays,
			AnsweredAt: utcPtr(r.AnsweredAt), Late: r.Late, WorkdaysLate: r.WorkdaysLate}
		if r.AnsweredAt != nil {
			n, err := workdaysSince(cal, r.RoutedAt, *r.AnsweredAt)
			if err != nil {
				return nil, err
			}
			rf.AnswerWorkdays = &n
		}
		var next *time.Time
		if i+1 < len(d.Rounds) {
			next = &d.Rounds[i+1].RoutedAt
		}
		rf.DueAt = roundDue(limits, next)
		if r.AnsweredAt == nil {
			rf.EndedAt = roundEnd(c, d, r, next)
		}
		rf.SettledAt = rf.AnsweredAt
		if rf.SettledAt == nil {
			rf.SettledAt = rf.EndedAt
		}
		f.rounds = append(f.rounds, rf)
	}
	// Counted events, each charged to the bank that had the case then.
	add := func(kind string, at time.Time, bank, value string) {
		if bank == "" {
			bank = bankAt(d.Rounds, at)
		}
		f.events = append(f.events, eventFact{CaseID: c.ID, Kind: kind, At: at.UTC(), Bank: bank, Park: d.Park, County: d.County, Value: value})
	}
	for _, x := range d.Returns {
		add(KindReturn, x.At, x.Bank, x.Category)
	}
	for _, x := range d.Extensions {
		if x.Decision == "granted" && x.DecidedAt != nil {
			add(KindExtension, *x.DecidedAt, x.Bank, fmt.Sprint(x.Workdays))
		}
	}
	for _, e := range entries {
		if e.Event == string(financing.Escalate) || e.Event == string(financing.CannotSolve) {
			add(KindEscalate, e.At, "", e.Event)
		}
	}
	for _, r := range d.Rounds {
		if r.Cause == financing.Reopen {
			add(KindRedo, r.RoutedAt, r.Bank, "")
		}
	}
	for _, x := range d.FollowUps {
		add(KindFollowUp, x.At, "", x.Satisfaction)
	}
	sort.SliceStable(f.events, func(i, j int) bool { return f.events[i].At.Before(f.events[j].At) })
	for i := range f.events {
		f.events[i].Idx = i
	}
	return f, nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// limitRows returns the case's rows of the bank's deadline timer, oldest
// first.
func limitRows(timers []engine.Timer) []engine.Timer {
	var out []engine.Timer
	for _, t := range timers {
		if t.Name == financing.TimerLimit {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

// roundDue returns when round i's limit fell: the due instant of the newest
// deadline row armed during the round (a round arms its row in the
// transaction that starts it; an extension of a fired limit adds one). A
// limit paused, or cancelled while paused, has not fallen.
func roundDue(rows []engine.Timer, next *time.Time) *time.Time {
	var found *engine.Timer
	for k := range rows {
		if next != nil && !rows[k].CreatedAt.Before(*next) {
			break
		}
		found = &rows[k]
	}
	if found == nil || found.Status == engine.TimerPaused || (found.Status == engine.TimerCancelled && found.PausedAt != nil) {
		return nil
	}
	t := found.DueAt.UTC()
	return &t
}

// roundEnd returns when an unanswered round ended: the bank returned it,
// the county escalated it, the case closed, or the next round began,
// whichever came first after it was routed; nil while the bank has it.
func roundEnd(c *engine.Case, d *financing.Data, r financing.Round, next *time.Time) *time.Time {
	var end *time.Time
	consider := func(t *time.Time) {
		if t == nil || t.Before(r.RoutedAt) {
			return
		}
		if end == nil || t.Before(*end) {
			u := t.UTC()
			end = &u
		}
	}
	for i := range d.Returns {
		if d.Returns[i].Bank == r.Bank {
			consider(&d.Returns[i].At)
		}
	}
	if d.Escalation != nil {
		consider(&d.Escalation.At)
	}
	if c.State == financing.Closed {
		consider(d.ClosedAt)
	}
	consider(next)
	return end
}

// bankAt returns the bank that had the case at the instant.
func bankAt(rounds []financing.Round, at time.Time) string {
	bank := ""
	for _, r := range rounds {
		if !r.RoutedAt.After(at) {
			bank = r.Bank
		}
	}
	if bank == "" && len(rounds) > 0 {
		bank = rounds[0].Bank
	}
	return bank
}
