package financing

import (
	"context"
	"encoding/json"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/payload"
)

// GreenChannelWorkflow names the workflow of the green channel's projects
// (package greenchannel), which the green_channel event opens.
const GreenChannelWorkflow = "greenchannel"

// GreenChannelInput is a bank's opening of the green channel (开通绿色通道)
// for a case it can handle: a remark, optional.
type GreenChannelInput struct {
	Note string `json:"note,omitempty" form:"textarea"`
}

// GreenChannelOpening is what the green_channel event hands the project it
// opens: the enterprise, the park, the bank, and the bank's answer that
// made it a credit project, whose date the project's first step counts
// from.
type GreenChannelOpening struct {
	Park       string     `json:"park"`
	ParkName   string     `json:"park_name"`
	County     string     `json:"county"`
	Bank       string     `json:"bank"`
	BankName   string     `json:"bank_name"`
	Enterprise Enterprise `json:"enterprise"`
	Need       string     `json:"need"`
	// Amount is the financing the enterprise sought, in yuan; optional.
	Amount string `json:"amount,omitempty"`
	// CanHandle is the bank's answer: yes or partly.
	CanHandle string `json:"can_handle"`
	// AnsweredOn is the day of that answer (YYYY-MM-DD, Beijing).
	AnsweredOn string `json:"answered_on"`
	Note       string `json:"note,omitempty"`
}

// GreenProject is a green-channel project opened from the case: one per
// bank.
type GreenProject struct {
	Bank   string    `json:"bank"`
	Case   string    `json:"case"`
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
}

// Project returns the case's green-channel project of bank, or nil.
func (d *Data) Project(bank string) *GreenProject {
	for i := range d.GreenChannel {
		if d.GreenChannel[i].Bank == bank {
			return &d.GreenChannel[i]
		}
	}
	return nil
}

// GreenChannelOpen reports whether bank may open its green-channel project
// on the case now: it has none yet, the case did not close as withdrawn,
// dismissed or without materials, and the bank's answer (or the case's,
// for its lead bank) says the need can be handled. Screens offer the
// button only then; the event checks the same.
func (d *Data) GreenChannelOpen(bank string) bool {
	_, _, ok := d.answerFor(bank, time.Time{})
	return ok && d.Project(bank) == nil && !closedForGood(d.Outcome)
}

// closedForGood reports whether a case closed with an outcome that leaves
// nothing to finance.
func closedForGood(outcome string) bool {
	switch outcome {
	case OutcomeWithdrawn, OutcomeDismissed, OutcomeNoMaterials:
		return true
	}
	return false
}

// handled reports whether an answer says the need can be handled.
func handled(in AnswerInput) bool { return in.CanHandle == CanYes || in.CanHandle == CanPartly }

// answerFor is the answer that lets bank open a project: its own answer
// (the lead bank's) or offer (a participating bank's), else, for the case's
// lead bank, the case's answer or the offices' coordinated one. ok is false
// when none says the need can be handled.
func (d *Data) answerFor(bank string, now time.Time) (in AnswerInput, at time.Time, ok bool) {
	if d.Answer != nil && d.Answer.Bank == bank && handled(d.Answer.AnswerInput) {
		return d.Answer.AnswerInput, d.Answer.At, true
	}
	for i := len(d.Offers) - 1; i >= 0; i-- {
		if o := d.Offers[i]; o.Bank == bank {
			return o.AnswerInput, o.At, handled(o.AnswerInput)
		}
	}
	if bank != d.LeadBank {
		return in, at, false
	}
	if d.Answer != nil && handled(d.Answer.AnswerInput) {
		return d.Answer.AnswerInput, d.Answer.At, true
	}
	if d.Resolution != nil && handled(d.Resolution.AnswerInput) {
		// The coordinated answer keeps no time of its own: the bank's
		// round that it closed does.
		if rd := d.round(); rd != nil && rd.AnsweredAt != nil {
			return d.Resolution.AnswerInput, *rd.AnsweredAt, true
		}
		return d.Resolution.AnswerInput, now, true
	}
	return in, at, false
}

// greenRefusal is a refusal of the green channel worded in the catalogue
// (financing.error.<code>).
func greenRefusal(code string) error {
	key := words.Key("error", code)
	return &engine.Error{Code: engine.ETRANSITION, MessageZH: locale.T(locale.ZH, key), Message: locale.T(locale.EN, key)}
}

// greenChannel opens the bank's green-channel project for the case, in
// this event's transaction, and records it on the case: a bank that has
// one already is refused, so a request sent twice opens one project.
func (r *rules) greenChannel() applyFunc {
	return func(ctx context.Context, t *engine.Transition) error {
		return edit(t, &GreenChannelInput{}, func(c *payload.Checker, in *GreenChannelInput) {
			c.Text("note", lbl(t.Event, "note"), &in.Note, false, payload.MaxNote)
		}, func(d *Data, in *GreenChannelInput) error {
			bank := t.Actor.Org
			if p := d.Project(bank); p != nil {
				key := words.Key("error", "green_channel_twice")
				return engine.Errorf(engine.EDUPLICATE, locale.T(locale.ZH, key), locale.T(locale.EN, key), p.Case)
			}
			if closedForGood(d.Outcome) {
				return greenRefusal("green_channel_closed")
			}
			ans, at, ok := d.answerFor(bank, t.Now)
			if !ok {
				return greenRefusal("green_channel_not_handled")
			}
			b, err := t.Directory.Bank(ctx, bank)
			if err != nil {
				return err
			}
			raw, err := json.Marshal(GreenChannelOpening{Park: d.Park, ParkName: d.ParkName, County: d.County,
				Bank: b.Code, BankName: b.Name, Enterprise: d.Enterprise, Need: d.Need, Amount: d.Amount,
				CanHandle: ans.CanHandle, AnsweredOn: calendar.DateOf(at).String(), Note: in.Note})
			if err != nil {
				return err
			}
			nc, err := t.Open(ctx, GreenChannelWorkflow, raw, bank)
			if err != nil {
				return err
			}
			d.GreenChannel = append(d.GreenChannel, GreenProject{Bank: bank, Case: nc.Number, CaseID: nc.ID, At: t.Now, By: t.Actor.User})
			return nil
		})
	}
}
