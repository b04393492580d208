package plan3

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
	"github.com/parkfin/parkfin/workflows/payload"
)

// maxCoop bounds the cooperating departments of one case.
const maxCoop = 10

// maxDeadlineDays bounds how far ahead a deadline may be: two years.
const maxDeadlineDays = 731

// AssignInput is the leading-group office's assignment (交办).
type AssignInput struct {
	// Enterprise is the enterprise whose difficulty it is.
	Enterprise string `json:"enterprise" form:"text,required"`
	// USCC is its credit code; optional.
	USCC string `json:"uscc,omitempty" form:"text"`
	// Difficulty is what the enterprise needs solved.
	Difficulty string `json:"difficulty" form:"textarea,required"`
	// Lead is the code of the lead city department.
	Lead string `json:"lead" form:"org,required,type=city_dept"`
	// Coop are the cooperating city departments.
	Coop []CoopInput `json:"coop,omitempty" form:"rows,max=3"`
	// Deadline is the last day for the difficulty to be solved.
	Deadline string `json:"deadline" form:"date,required"`
}

// CoopInput names one cooperating department.
type CoopInput struct {
	Dept string `json:"dept" form:"org,type=city_dept"`
}

// NoteInput is a note with an acceptance, a cooperating department's
// input or the assigner's confirmation.
type NoteInput struct {
	Note string `json:"note,omitempty" form:"textarea"`
}

// ProgressInput is the lead department's monthly progress.
type ProgressInput struct {
	Text string `json:"text" form:"textarea,required"`
}

// CloseInput is the lead department's application for close-out: what
// was done.
type CloseInput struct {
	Result string `json:"result" form:"textarea,required"`
}

// ReturnInput is the assigner's reason for sending an application back.
type ReturnInput struct {
	Reason string `json:"reason" form:"textarea,required"`
}

// Data is the workflow's record of an assigned difficulty, kept as the
// case's JSON data.
type Data struct {
	Enterprise string   `json:"enterprise"`
	USCC       string   `json:"uscc,omitempty"`
	Difficulty string   `json:"difficulty"`
	Assigner   string   `json:"assigner"`
	Lead       string   `json:"lead"`
	Coop       []string `json:"coop"`
	Deadline   string   `json:"deadline"`
	// Filings are the progress filings and the cooperating departments'
	// input, oldest first.
	Filings []Filing `json:"filings"`
	// Result is the close-out applied for; Returns are the assigner's
	// reasons for sending applications back.
	Result   string     `json:"result,omitempty"`
	Returns  []string   `json:"returns,omitempty"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
}

// Filing is one progress filing or one cooperating department's input.
type Filing struct {
	Event engine.EventName `json:"event"`
	Org   string           `json:"org"`
	Text  string           `json:"text"`
	At    time.Time        `json:"at"`
	By    string           `json:"by"`
	// Late is set on a progress filed while the case was under
	// supervision.
	Late bool `json:"late,omitempty"`
}

// DataOf decodes a case's data.
func DataOf(c *engine.Case) (*Data, error) { return payload.Record[Data](c) }

func (d *Data) store(c *engine.Case) error { return payload.Keep(c, d) }

// msg is a field error worded in the catalogue (plan3.error.<code>), in
// both languages, with args for its verbs.
func msg(c *payload.Checker, field, code string, args ...any) {
	key := words.Key("error", code)
	c.Add(field, code, fmt.Sprintf(locale.T(locale.EN, key), args...), fmt.Sprintf(locale.T(locale.ZH, key), args...))
}

func lbl(ev engine.EventName, field string) string { return words.Label(ev, field) }

// deadlineOf is 24:00 of the deadline's day.
func deadlineOf(d string) time.Time {
	day, _ := calendar.ParseDate(d)
	return day.AddDays(1).Start()
}

// dept checks that code names a city department.
func dept(ctx context.Context, t *engine.Transition, c *payload.Checker, field, code string) {
	o, err := t.Directory.Organisation(ctx, code)
	if err != nil || o.Type != OrgCityDept {
		msg(c, field, "not_a_department", code)
	}
}

// assign opens the case: the assigner is the actor's office, the lead and
// cooperating departments its parties, the deadline armed.
func assign(ctx context.Context, t *engine.Transition) error {
	var in AssignInput
	today := calendar.DateOf(t.Now)
	return payload.Apply(t, &in, func(c *payload.Checker, in *AssignInput) {
		c.Text("enterprise", lbl(Assign, "enterprise"), &in.Enterprise, true, payload.MaxName)
		c.Text("uscc", lbl(Assign, "uscc"), &in.USCC, false, 64)
		if in.USCC != "" {
			if code, err := uscc.Validate(in.USCC); err != nil {
				c.Add("uscc", engine.EINVALIDUSCC, engine.ErrorMessage(err, "en"), engine.ErrorMessage(err, "zh"))
			} else {
				in.USCC = code
			}
		}
		c.Text("difficulty", lbl(Assign, "difficulty"), &in.Difficulty, true, payload.MaxText)
		c.Text("lead", lbl(Assign, "lead"), &in.Lead, true, 64)
		if in.Lead != "" {
			dept(ctx, t, c, "lead", in.Lead)
		}
		if len(in.Coop) > maxCoop {
			msg(c, "coop", "too_many", maxCoop)
		}
		seen := map[string]bool{in.Lead: true}
		for i := range in.Coop {
			f := "coop." + strconv.Itoa(i) + ".dept"
			c.Text(f, lbl(Assign, "coop.dept"), &in.Coop[i].Dept, true, 64)
			switch d := in.Coop[i].Dept; {
			case d == "":
			case seen[d]:
				msg(c, f, "dept_twice", d)
			default:
				dept(ctx, t, c, f, d)
			}
			seen[in.Coop[i].Dept] = true
		}
		c.Text("deadline", lbl(Assign, "deadline"), &in.Deadline, true, 32)
		if in.Deadline != "" {
			d, err := calendar.ParseDate(in.Deadline)
			switch {
			case err != nil:
				msg(c, "deadline", "date_format")
			case d.Before(today):
				msg(c, "deadline", "deadline_past")
			case d.After(today.AddDays(maxDeadlineDays)):
				msg(c, "deadline", "deadline_far")
			default:
				in.Deadline = d.String()
			}
		}
	}, func(in *AssignInput) error {
		cs := t.Case
		d := &Data{Enterprise: in.Enterprise, USCC: in.USCC, Difficulty: in.Difficulty, Assigner: t.Actor.Org,
			Lead: in.Lead, Coop: []string{}, Deadline: in.Deadline, Filings: []Filing{}}
		cs.Parties = []engine.Party{{Org: t.Actor.Org, Relation: RelAssigner}, {Org: in.Lead, Relation: RelLead}}
		for _, x := range in.Coop {
			d.Coop = append(d.Coop, x.Dept)
			cs.Parties = append(cs.Parties, engine.Party{Org: x.Dept, Relation: RelCoop})
		}
		cs.Title = in.Enterprise
		cs.Number = "SB-" + strconv.Itoa(today.Year) + "-"
		t.SetDue(TimerDeadline, deadlineOf(in.Deadline))
		return d.store(cs)
	})
}

// note checks an optional note.
func note(ev engine.EventName) func(*payload.Checker, *NoteInput) {
	return func(c *payload.Checker, in *NoteInput) {
		c.Text("note", lbl(ev, "note"), &in.Note, false, payload.MaxText)
	}
}

// file adds a filing to the case's record.
func file(t *engine.Transition, text string, late bool) error {
	d, err := DataOf(t.Case)
	if err != nil {
		return err
	}
	d.Filings = append(d.Filings, Filing{Event: t.Event, Org: t.Actor.Org, Text: text, At: t.Now, By: t.Actor.User, Late: late})
	return d.store(t.Case)
}

func undertake(_ context.Context, t *engine.Transition) error {
	var in NoteInput
	return payload.Apply(t, &in, note(Undertake), func(in *NoteInput) error { return file(t, in.Note, false) })
}

func contribute(_ context.Context, t *engine.Transition) error {
	var in NoteInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *NoteInput) {
		c.Text("note", lbl(Contribute, "note"), &in.Note, true, payload.MaxText)
	}, func(in *NoteInput) error { return file(t, in.Note, false) })
}

func progress(_ context.Context, t *engine.Transition) error {
	var in ProgressInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *ProgressInput) {
		c.Text("text", lbl(Progress, "text"), &in.Text, true, payload.MaxText)
	}, func(in *ProgressInput) error { return file(t, in.Text, t.From == Supervised) })
}

func requestClose(_ context.Context, t *engine.Transition) error {
	var in CloseInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *CloseInput) {
		c.Text("result", lbl(RequestClose, "result"), &in.Result, true, payload.MaxText)
	}, func(in *CloseInput) error {
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		d.Result = in.Result
		return d.store(t.Case)
	})
}

func confirm(_ context.Context, t *engine.Transition) error {
	var in NoteInput
	return payload.Apply(t, &in, note(Confirm), func(in *NoteInput) error {
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		at := t.Now
		d.ClosedAt = &at
		return d.store(t.Case)
	})
}

// returnIt sends the application back: the reason kept, the deadline
// armed again (a deadline already past puts the case under supervision at
// once).
func returnIt(_ context.Context, t *engine.Transition) error {
	var in ReturnInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *ReturnInput) {
		c.Text("reason", lbl(Return, "reason"), &in.Reason, true, payload.MaxText)
	}, func(in *ReturnInput) error {
		d, err := DataOf(t.Case)
		if err != nil {
			return err
		}
		d.Returns = append(d.Returns, in.Reason)
		d.Result = ""
		t.SetDue(TimerDeadline, deadlineOf(d.Deadline))
		return d.store(t.Case)
	})
}

// supervise marks nothing of its own: the state says the case is under
// supervision, and the event's notice tells the assigner.
func supervise(context.Context, *engine.Transition) error { return nil }
