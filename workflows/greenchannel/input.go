package greenchannel

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// SetUpInput records 立项: its date.
type SetUpInput struct {
	Date string `json:"date" form:"date,required"`
	Note string `json:"note,omitempty" form:"textarea"`
}

// StepInput records 申报, 授信, 审批 or 放款: its date and its amount in
// yuan (applied for, credit line, approved, disbursed), a decimal string.
type StepInput struct {
	Date   string `json:"date" form:"date,required"`
	Amount string `json:"amount" form:"amount,required"`
	Note   string `json:"note,omitempty" form:"textarea"`
}

// StopInput stops the project (终止): its date and why.
type StopInput struct {
	Date   string `json:"date" form:"date,required"`
	Reason string `json:"reason" form:"textarea,required"`
}

// msg is a field error worded in the catalogue (greenchannel.error.<code>),
// in both languages, with args for its verbs.
func msg(c *payload.Checker, field, code string, args ...any) {
	key := words.Key("error", code)
	c.Add(field, code, fmt.Sprintf(locale.T(locale.EN, key), args...), fmt.Sprintf(locale.T(locale.ZH, key), args...))
}

func lbl(ev engine.EventName, field string) string { return words.Label(ev, field) }

// checkDate checks a step's date: a day, not in the future, not before
// the previous step's (or, for the first, the bank's answer's).
func checkDate(c *payload.Checker, ev engine.EventName, s *string, after string, now calendar.Date) {
	c.Text("date", lbl(ev, "date"), s, true, 32)
	if *s == "" {
		return
	}
	d, err := calendar.ParseDate(*s)
	prev, perr := calendar.ParseDate(after)
	switch {
	case err != nil:
		msg(c, "date", "date_format")
	case d.After(now):
		msg(c, "date", "date_future")
	case perr == nil && d.Before(prev):
		msg(c, "date", "date_before", after)
	default:
		*s = d.String()
	}
}

// open gives the project its financing case, enterprise, park, county and
// bank. Only the financing case's green_channel event opens a project.
func open(_ context.Context, t *engine.Transition) error {
	if t.OpenedBy == nil || t.OpenedBy.Workflow != financing.Name || t.OpenedBy.Event != financing.GreenChannel {
		key := words.Key("error", "open_from_financing")
		return &engine.Error{Code: engine.ETRANSITION, MessageZH: locale.T(locale.ZH, key), Message: locale.T(locale.EN, key)}
	}
	var in financing.GreenChannelOpening
	return payload.Apply(t, &in, nil, func(in *financing.GreenChannelOpening) error {
		cs := t.Case
		now := calendar.DateOf(t.Now)
		d := &Data{Financing: t.OpenedBy.Number, FinancingID: t.OpenedBy.CaseID, GreenChannelOpening: *in,
			OpenedOn: now.String(), Steps: []Step{}}
		cs.Title, cs.Ref = in.Enterprise.Name, in.Enterprise.USCC
		cs.Number = fmt.Sprintf("LS-%d-", now.Year)
		cs.Parties = []engine.Party{{Org: in.Bank, Relation: RelBank}, {Org: in.Park, Relation: RelPark}, {Org: in.County, Relation: RelCounty}}
		return d.store(cs)
	})
}

// recordStep records a step: its date after the previous one's, and its
// amount where it has one. The approved amount may not exceed the credit
// line, nor the amount disbursed the approved one.
func recordStep(_ context.Context, t *engine.Transition) error {
	cs := t.Case
	d, err := DataOf(cs)
	if err != nil {
		return err
	}
	step := Step{Step: t.Event, RecordedAt: t.Now, RecordedBy: t.Actor.User}
	check := func(c *payload.Checker, date, amount *string) {
		checkDate(c, t.Event, date, d.last(), calendar.DateOf(t.Now))
		if amount == nil {
			return
		}
		c.Text("amount", lbl(t.Event, "amount"), amount, true, 32)
		if *amount == "" {
			return
		}
		c.Amount("amount", lbl(t.Event, "amount"), amount)
		ceiling := map[engine.EventName]engine.EventName{RecordApprove: RecordCredit, RecordDisburse: RecordApprove}[t.Event]
		if p := d.Step(ceiling); p != nil && p.Amount != "" {
			a, aerr := decimal.NewFromString(*amount)
			b, berr := decimal.NewFromString(p.Amount)
			if aerr == nil && berr == nil && a.GreaterThan(b) {
				msg(c, "amount", "amount_above", lbl(ceiling, "amount"), b.StringFixed(2))
			}
		}
	}
	update := func() error {
		d.Steps = append(d.Steps, step)
		return d.store(cs)
	}
	if t.Event == RecordSetUp {
		var in SetUpInput
		return payload.Apply(t, &in, func(c *payload.Checker, in *SetUpInput) {
			check(c, &in.Date, nil)
			c.Text("note", lbl(t.Event, "note"), &in.Note, false, payload.MaxNote)
		}, func(in *SetUpInput) error {
			step.Date, step.Note = in.Date, in.Note
			return update()
		})
	}
	var in StepInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *StepInput) {
		check(c, &in.Date, &in.Amount)
		c.Text("note", lbl(t.Event, "note"), &in.Note, false, payload.MaxNote)
	}, func(in *StepInput) error {
		step.Date, step.Amount, step.Note = in.Date, in.Amount, in.Note
		return update()
	})
}

// stop ends the project before 放款, with its date and a reason.
func stop(_ context.Context, t *engine.Transition) error {
	cs := t.Case
	d, err := DataOf(cs)
	if err != nil {
		return err
	}
	var in StopInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *StopInput) {
		checkDate(c, t.Event, &in.Date, d.last(), calendar.DateOf(t.Now))
		c.Text("reason", lbl(t.Event, "reason"), &in.Reason, true, payload.MaxText)
	}, func(in *StopInput) error {
		d.Stopped = &Step{Step: Stop, Date: in.Date, Reason: in.Reason, RecordedAt: t.Now, RecordedBy: t.Actor.User}
		return d.store(cs)
	})
}
