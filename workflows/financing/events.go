package financing

import (
	"context"

	"github.com/parkfin/parkfin/engine"
)

// NoteInput is the optional remark of an event that needs nothing else
// (sign for, urge).
type NoteInput struct {
	Note string `json:"note,omitempty"`
}

// RequestInfoInput is what the bank asks the enterprise for.
type RequestInfoInput struct {
	Question string `json:"question"`
}

// SupplyInfoInput is what the window supplies.
type SupplyInfoInput struct {
	Info string `json:"info"`
}

// Whether the bank can handle the need.
const (
	CanYes    = "yes"
	CanPartly = "partly"
	CanNo     = "no"
)

// AnswerInput is the bank's handling opinion (办理意见): can it be handled, on
// what conditions, by what procedure, with which product and amount.
type AnswerInput struct {
	// CanHandle is "yes", "partly" or "no".
	CanHandle  string `json:"can_handle"`
	Conditions string `json:"conditions,omitempty"`
	Procedure  string `json:"procedure,omitempty"`
	Product    string `json:"product,omitempty"`
	// AmountOffered is in yuan, a decimal string; optional.
	AmountOffered string `json:"amount_offered,omitempty"`
	// Reason says why not, when CanHandle is "no".
	Reason string `json:"reason,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Validate normalises the answer and checks it says what the plan asks:
// conditions and procedure when it can be handled, a reason when not.
func (in *AnswerInput) Validate() error {
	var c checker
	in.check(&c)
	return c.err()
}

func (in *AnswerInput) check(c *checker) {
	c.oneOf("can_handle", "能否办理", &in.CanHandle, CanYes, CanPartly, CanNo)
	handled := in.CanHandle == CanYes || in.CanHandle == CanPartly
	c.text("conditions", "办理条件", &in.Conditions, handled, maxText)
	c.text("procedure", "办理程序", &in.Procedure, handled, maxText)
	c.text("product", "信贷产品", &in.Product, false, maxName)
	c.amount("amount_offered", "可提供金额", &in.AmountOffered)
	c.text("reason", "不能办理的原因", &in.Reason, in.CanHandle == CanNo, maxText)
	c.text("note", "备注", &in.Note, false, maxNote)
}

// CannotSolveInput says why the banks cannot solve the need.
type CannotSolveInput struct {
	Reason string `json:"reason"`
}

// ResolveInput is the city's or central bank's opinion on an escalated case.
type ResolveInput struct {
	AnswerInput
	// Resolution says what the consultation (会诊) decided.
	Resolution string `json:"resolution"`
}

// Outcomes of a case, as fed back to the enterprise.
const (
	OutcomeFinanced    = "financed"
	OutcomeNotFinanced = "not_financed"
	OutcomeReferred    = "referred"
	OutcomeWithdrawn   = "withdrawn"
)

// Satisfaction ratings (满意度).
const (
	Satisfied      = "satisfied"
	BasicSatisfied = "basically_satisfied"
	Dissatisfied   = "dissatisfied"
)

// FeedbackInput is what the window fed back to the enterprise.
type FeedbackInput struct {
	Outcome        string `json:"outcome"`
	Satisfaction   string `json:"satisfaction"`
	AmountFinanced string `json:"amount_financed,omitempty"`
	Note           string `json:"note,omitempty"`
}

// WithdrawInput says why the enterprise withdrew.
type WithdrawInput struct {
	Reason string `json:"reason"`
}

// InviteInput names a participating bank.
type InviteInput struct {
	Bank string `json:"bank"`
}

// applyWith decodes the payload into in, validates it with check, lets
// update change the case's data, and records the normalised payload.
func applyWith[T any](t *engine.Transition, in *T, check func(*checker, *T), update func(*Data, *T) error) error {
	if err := decode(t.Payload, in); err != nil {
		return err
	}
	var c checker
	check(&c, in)
	if err := c.err(); err != nil {
		return err
	}
	d, err := DataOf(t.Case)
	if err != nil {
		return err
	}
	if update != nil {
		if err := update(d, in); err != nil {
			return err
		}
		if err := d.store(t.Case); err != nil {
			return err
		}
	}
	return normalised(t, in)
}

func applyNote(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &NoteInput{}, func(c *checker, in *NoteInput) {
		c.text("note", "备注", &in.Note, false, maxNote)
	}, func(d *Data, _ *NoteInput) error {
		if t.Event == Urge {
			d.Urges++
		}
		return nil
	})
}

func applyRequestInfo(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &RequestInfoInput{}, func(c *checker, in *RequestInfoInput) {
		c.text("question", "需补充的材料或问题", &in.Question, true, maxText)
	}, func(d *Data, in *RequestInfoInput) error {
		d.InfoRequests = append(d.InfoRequests, InfoRequest{Question: in.Question, AskedAt: t.Now})
		return nil
	})
}

func applySupplyInfo(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &SupplyInfoInput{}, func(c *checker, in *SupplyInfoInput) {
		c.text("info", "补充内容", &in.Info, true, maxText)
	}, func(d *Data, in *SupplyInfoInput) error {
		if n := len(d.InfoRequests); n > 0 {
			now := t.Now
			d.InfoRequests[n-1].Info = in.Info
			d.InfoRequests[n-1].SuppliedAt = &now
		}
		return nil
	})
}

func applyAnswer(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &AnswerInput{}, (*checker).answer, func(d *Data, in *AnswerInput) error {
		d.Answer = in
		return nil
	})
}

func (c *checker) answer(in *AnswerInput) { in.check(c) }

func applyCannotSolve(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &CannotSolveInput{}, func(c *checker, in *CannotSolveInput) {
		c.text("reason", "无法解决的原因", &in.Reason, true, maxText)
	}, func(d *Data, in *CannotSolveInput) error {
		d.Escalation = &Escalation{Cause: "cannot_solve", Reason: in.Reason, At: t.Now}
		return nil
	})
}

func applyResolve(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &ResolveInput{}, func(c *checker, in *ResolveInput) {
		c.text("resolution", "会诊意见", &in.Resolution, true, maxText)
		in.AnswerInput.check(c)
	}, func(d *Data, in *ResolveInput) error {
		d.Resolution = in
		return nil
	})
}

func applyFeedback(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &FeedbackInput{}, func(c *checker, in *FeedbackInput) {
		c.oneOf("outcome", "办理结果", &in.Outcome, OutcomeFinanced, OutcomeNotFinanced, OutcomeReferred, OutcomeWithdrawn)
		c.oneOf("satisfaction", "企业满意度", &in.Satisfaction, Satisfied, BasicSatisfied, Dissatisfied)
		c.amount("amount_financed", "实际融资金额", &in.AmountFinanced)
		c.text("note", "备注", &in.Note, false, maxNote)
	}, func(d *Data, in *FeedbackInput) error {
		d.Feedback = in
		return nil
	})
}

func applyWithdraw(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &WithdrawInput{}, func(c *checker, in *WithdrawInput) {
		c.text("reason", "撤回原因", &in.Reason, false, maxText)
	}, func(d *Data, in *WithdrawInput) error {
		d.Feedback = &FeedbackInput{Outcome: OutcomeWithdrawn, Note: in.Reason}
		return nil
	})
}

func applyInvite(ctx context.Context, t *engine.Transition) error {
	return applyWith(t, &InviteInput{}, func(c *checker, in *InviteInput) {
		c.text("bank", "参与行", &in.Bank, true, 64)
	}, func(d *Data, in *InviteInput) error {
		if in.Bank == d.LeadBank {
			return engine.Invalid(engine.FieldError{Field: "bank", Code: "lead_bank",
				Message: "The lead bank cannot invite itself.", MessageZH: "主联系行无需邀请自己。"})
		}
		if _, err := t.Directory.Bank(ctx, in.Bank); err != nil {
			return engine.Invalid(engine.FieldError{Field: "bank", Code: "unknown",
				Message: "No bank " + in.Bank + ".", MessageZH: "没有编码为“" + in.Bank + "”的银行。"})
		}
		if !t.Case.HasParty(in.Bank, RelParticipant) {
			d.Participants = append(d.Participants, in.Bank)
			t.Case.AddParty(in.Bank, RelParticipant)
		}
		return nil
	})
}

func applyOffer(_ context.Context, t *engine.Transition) error {
	return applyWith(t, &AnswerInput{}, (*checker).answer, func(d *Data, in *AnswerInput) error {
		d.Offers = append(d.Offers, BankOffer{Bank: t.Actor.Org, AnswerInput: *in, At: t.Now})
		return nil
	})
}

// applyBreach records the escalation for lateness; the payload is the
// engine's own record of the timer that fired, kept as it is.
func applyBreach(_ context.Context, t *engine.Transition) error {
	d, err := DataOf(t.Case)
	if err != nil {
		return err
	}
	d.Escalation = &Escalation{Cause: "overdue", At: t.Now}
	return d.store(t.Case)
}
