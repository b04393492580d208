package visits

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
	"github.com/parkfin/parkfin/workflows/payload"
)

// The most rows one visit records of each list.
const (
	maxParticipants = 50
	maxEnterprises  = 50
	maxProblems     = 50
)

// VisitInput is the bank's record of one visit.
type VisitInput struct {
	// Date is the day of the visit, within the half-year, not in the future.
	Date string `json:"date" form:"date,required"`
	// Leader is the bank president who led it (行长带队).
	Leader string `json:"leader" form:"text,required"`
	// Participants are the others who took part: at least one.
	Participants []Participant `json:"participants" form:"rows,max=4"`
	// Enterprises are the enterprises visited.
	Enterprises []Enterprise `json:"enterprises" form:"rows,max=3"`
	// Problems are what the visit found (问题清单 entries).
	Problems []ProblemInput `json:"problems" form:"rows,max=3"`
	Note     string         `json:"note,omitempty" form:"textarea"`
}

// ProblemInput is one problem found: an enterprise's financing need or
// difficulty, or the park's when no enterprise is named.
type ProblemInput struct {
	// Enterprise is the name of one of the visit's enterprises; optional.
	Enterprise string `json:"enterprise,omitempty" form:"text"`
	Text       string `json:"text" form:"textarea,required"`
	// Amount is the financing sought in yuan, a decimal string; optional.
	Amount string `json:"amount,omitempty" form:"amount"`
}

// CaseInput turns a problem into a financing case at the park's window.
type CaseInput struct {
	// Problem is the problem's number in the half-year's list.
	Problem int `json:"problem" form:"int,required,min=1"`
	// USCC is the enterprise's credit code when the visit did not record it.
	USCC string `json:"uscc,omitempty" form:"text"`
	// Contact is how the window reaches the enterprise; optional.
	Contact string `json:"contact,omitempty" form:"text"`
}

// CloseInput is the bank's word on the half-year.
type CloseInput struct {
	Summary string `json:"summary,omitempty" form:"textarea"`
}

// msg is a field error worded in the catalogue (visits.error.<code>), in
// both languages, with args for its verbs.
func msg(c *payload.Checker, field, code string, args ...any) {
	key := words.Key("error", code)
	c.Add(field, code, fmt.Sprintf(locale.T(locale.EN, key), args...), fmt.Sprintf(locale.T(locale.ZH, key), args...))
}

func lbl(ev engine.EventName, field string) string { return words.Label(ev, field) }

func (in *VisitInput) check(c *payload.Checker, period string, now calendar.Date) {
	c.Text("date", lbl(RecordVisit, "date"), &in.Date, true, 32)
	if in.Date != "" {
		d, err := calendar.ParseDate(in.Date)
		p, _, perr := calendar.ParsePeriodName(period)
		switch {
		case err != nil:
			msg(c, "date", "date_format")
		case perr == nil && (d.Before(p.From) || d.After(p.To)):
			msg(c, "date", "date_outside", period, p.From.String(), p.To.String())
		case d.After(now):
			msg(c, "date", "date_future")
		default:
			in.Date = d.String()
		}
	}
	c.Text("leader", lbl(RecordVisit, "leader"), &in.Leader, true, payload.MaxName)
	if len(in.Participants) == 0 {
		msg(c, "participants.0.name", "no_participant")
	}
	if len(in.Participants) > maxParticipants || len(in.Enterprises) > maxEnterprises || len(in.Problems) > maxProblems {
		msg(c, "payload", "too_many", maxParticipants)
	}
	row := func(group string, i int, field string) string { return group + "." + strconv.Itoa(i) + "." + field }
	for i := range in.Participants {
		p := &in.Participants[i]
		c.Text(row("participants", i, "org"), lbl(RecordVisit, "participants.org"), &p.Org, true, payload.MaxName)
		c.Text(row("participants", i, "name"), lbl(RecordVisit, "participants.name"), &p.Name, true, payload.MaxName)
		c.Text(row("participants", i, "title"), lbl(RecordVisit, "participants.title"), &p.Title, false, payload.MaxName)
	}
	names := map[string]bool{}
	for i := range in.Enterprises {
		e := &in.Enterprises[i]
		c.Text(row("enterprises", i, "name"), lbl(RecordVisit, "enterprises.name"), &e.Name, true, payload.MaxName)
		c.Text(row("enterprises", i, "uscc"), lbl(RecordVisit, "enterprises.uscc"), &e.USCC, false, 64)
		if e.USCC != "" {
			if code, err := uscc.Validate(e.USCC); err != nil {
				c.Add(row("enterprises", i, "uscc"), engine.EINVALIDUSCC, engine.ErrorMessage(err, "en"), engine.ErrorMessage(err, "zh"))
			} else {
				e.USCC = code
			}
		}
		if e.Name != "" && names[e.Name] {
			msg(c, row("enterprises", i, "name"), "enterprise_twice", e.Name)
		}
		names[e.Name] = true
	}
	for i := range in.Problems {
		p := &in.Problems[i]
		c.Text(row("problems", i, "enterprise"), lbl(RecordVisit, "problems.enterprise"), &p.Enterprise, false, payload.MaxName)
		c.Text(row("problems", i, "text"), lbl(RecordVisit, "problems.text"), &p.Text, true, payload.MaxText)
		c.Amount(row("problems", i, "amount"), lbl(RecordVisit, "problems.amount"), &p.Amount)
		if p.Enterprise != "" && !names[p.Enterprise] {
			msg(c, row("problems", i, "enterprise"), "enterprise_unknown", p.Enterprise)
		}
	}
	c.Text("note", lbl(RecordVisit, "note"), &in.Note, false, payload.MaxText)
}

// recordVisit adds a visit and its problems, numbered on from the
// half-year's earlier ones.
func recordVisit(_ context.Context, t *engine.Transition) error {
	var in VisitInput
	cs := t.Case
	return payload.Apply(t, &in, func(c *payload.Checker, in *VisitInput) {
		in.check(c, cs.Period, calendar.DateOf(t.Now))
	}, func(in *VisitInput) error {
		d, err := DataOf(cs)
		if err != nil {
			return err
		}
		v := Visit{No: len(d.Visits) + 1, Date: in.Date, Leader: in.Leader, Participants: in.Participants,
			Enterprises: in.Enterprises, Note: in.Note, RecordedAt: t.Now, RecordedBy: t.Actor.User,
			Late: cs.Overdue && t.From == Pending}
		if v.Participants == nil {
			v.Participants = []Participant{}
		}
		if v.Enterprises == nil {
			v.Enterprises = []Enterprise{}
		}
		next := d.problems() + 1
		v.Problems = []Problem{}
		for _, p := range in.Problems {
			v.Problems = append(v.Problems, Problem{No: next, Enterprise: p.Enterprise, Text: p.Text, Amount: p.Amount})
			next++
		}
		d.Visits = append(d.Visits, v)
		return d.store(cs)
	})
}

// openCase opens a financing case for a problem at the park's window, in
// the transaction of this event: the problem names the case, and the case
// its origin (this half-year and the problem's number). A problem that
// names a case already is refused, so a request sent twice opens one case.
func openCase(ctx context.Context, t *engine.Transition) error {
	var in CaseInput
	cs := t.Case
	return payload.Apply(t, &in, func(c *payload.Checker, in *CaseInput) {
		c.Text("uscc", lbl(OpenCase, "uscc"), &in.USCC, false, 64)
		c.Text("contact", lbl(OpenCase, "contact"), &in.Contact, false, payload.MaxName)
		if in.Problem < 1 {
			msg(c, "problem", "problem_unknown", in.Problem)
		}
	}, func(in *CaseInput) error {
		d, err := DataOf(cs)
		if err != nil {
			return err
		}
		p, v := d.problem(in.Problem)
		var c payload.Checker
		switch {
		case p == nil:
			msg(&c, "problem", "problem_unknown", in.Problem)
		case p.Case != "":
			key := words.Key("error", "problem_has_case")
			return engine.Errorf(engine.EDUPLICATE, locale.T(locale.ZH, key), locale.T(locale.EN, key), p.No, p.Case)
		case p.Enterprise == "":
			msg(&c, "problem", "problem_no_enterprise", p.No)
		}
		if err := c.Err(); err != nil {
			return err
		}
		ent := financing.Enterprise{Name: p.Enterprise, USCC: in.USCC}
		for _, e := range v.Enterprises {
			if e.Name == p.Enterprise && ent.USCC == "" {
				ent.USCC = e.USCC
			}
		}
		raw, err := json.Marshal(financing.OpenInput{Park: d.Park, Enterprise: ent, Need: p.Text, Amount: p.Amount, Contact: in.Contact})
		if err != nil {
			return err
		}
		nc, err := t.Open(ctx, financing.Name, raw, strconv.Itoa(p.No))
		if err != nil {
			return asOurs(err)
		}
		at := t.Now
		p.Case, p.CaseID, p.CaseAt, p.CaseBy = nc.Number, nc.ID, &at, t.Actor.User
		return d.store(cs)
	})
}

// asOurs names the financing case's field errors by this event's fields:
// the credit code and the contact are asked for here, the rest came from
// the problem.
func asOurs(err error) error {
	fs := payload.Errors(err)
	if len(fs) == 0 {
		return err
	}
	out := make([]engine.FieldError, len(fs))
	for i, f := range fs {
		switch f.Field {
		case "enterprise.uscc":
			f.Field = "uscc"
		case "contact":
		default:
			f.Field = "problem"
		}
		out[i] = f
	}
	return engine.Invalid(out...)
}

func closeHalf(_ context.Context, t *engine.Transition) error {
	var in CloseInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *CloseInput) {
		c.Text("summary", lbl(Close, "summary"), &in.Summary, false, payload.MaxText)
	}, func(in *CloseInput) error {
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		at := t.Now
		d.Summary, d.ClosedAt = in.Summary, &at
		return d.store(t.Case)
	})
}
