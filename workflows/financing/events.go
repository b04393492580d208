package financing

import (
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// NoteInput is the optional remark of an event that needs nothing else
// (sign for, urge, send back).
type NoteInput struct {
	Note string `json:"note,omitempty" form:"textarea"`
}

func (in *NoteInput) check(c *payload.Checker, ev engine.EventName) {
	c.Text("note", lbl(ev, "note"), &in.Note, false, payload.MaxNote)
}

// RequestInfoInput says what the bank needs from the enterprise.
type RequestInfoInput struct {
	Question string `json:"question" form:"textarea,required"`
}

// SupplyInfoInput is what the window supplies.
type SupplyInfoInput struct {
	Info string `json:"info" form:"textarea,required"`
}

// Whether the bank can handle the need.
const (
	CanYes    = "yes"
	CanPartly = "partly"
	CanNo     = "no"
)

var canHandle = choices("can_handle", CanYes, CanPartly, CanNo)

// AnswerInput is the bank's handling opinion (办理意见): can it be handled, on
// what conditions, by what procedure, with which product and amount.
type AnswerInput struct {
	// CanHandle is "yes", "partly" or "no".
	CanHandle  string `json:"can_handle" form:"choice,required,choices=yes|partly|no"`
	Conditions string `json:"conditions,omitempty" form:"textarea"`
	Procedure  string `json:"procedure,omitempty" form:"textarea"`
	Product    string `json:"product,omitempty" form:"text"`
	// AmountOffered is in yuan, a decimal string; optional.
	AmountOffered string `json:"amount_offered,omitempty" form:"amount"`
	// Reason says why not, when CanHandle is "no".
	Reason string `json:"reason,omitempty" form:"textarea"`
	Note   string `json:"note,omitempty" form:"textarea"`
}

// Validate normalises the answer and checks it says what the plan asks:
// conditions and procedure when it can be handled, a reason when not.
func (in *AnswerInput) Validate() error {
	var c payload.Checker
	in.check(&c, Answer)
	return c.Err()
}

func (in *AnswerInput) check(c *payload.Checker, ev engine.EventName) {
	c.OneOf("can_handle", lbl(ev, "can_handle"), &in.CanHandle, canHandle...)
	handled := in.CanHandle == CanYes || in.CanHandle == CanPartly
	c.Text("conditions", lbl(ev, "conditions"), &in.Conditions, handled, payload.MaxText)
	c.Text("procedure", lbl(ev, "procedure"), &in.Procedure, handled, payload.MaxText)
	c.Text("product", lbl(ev, "product"), &in.Product, false, payload.MaxName)
	c.Amount("amount_offered", lbl(ev, "amount_offered"), &in.AmountOffered)
	c.Text("reason", lbl(ev, "reason"), &in.Reason, in.CanHandle == CanNo, payload.MaxText)
	c.Text("note", lbl(ev, "note"), &in.Note, false, payload.MaxNote)
}

// Why a bank returns a case (退单原因).
const (
	ReturnNotFinancing = "not_financing"
	ReturnNotInPark    = "not_in_park"
	ReturnWrongBank    = "wrong_bank"
	ReturnOther        = "other"
)

var returnCategories = choices("category", ReturnNotFinancing, ReturnNotInPark, ReturnWrongBank, ReturnOther)

// ReturnInput is the bank's return of a case not meant for it.
type ReturnInput struct {
	Category string `json:"category" form:"choice,required,choices=not_financing|not_in_park|wrong_bank|other"`
	Reason   string `json:"reason" form:"textarea,required"`
}

// BankInput names a bank with a reason: a reroute or a transfer.
type BankInput struct {
	Bank   string `json:"bank" form:"bank,required"`
	Reason string `json:"reason" form:"textarea,required"`
}

// ReasonInput is an event that needs a reason.
type ReasonInput struct {
	Reason string `json:"reason" form:"textarea,required"`
}

// CannotSolveInput says why the banks cannot solve the need, and why no
// participating bank was invited when none was.
type CannotSolveInput struct {
	Reason              string `json:"reason" form:"textarea,required"`
	NoParticipantReason string `json:"no_participant_reason,omitempty" form:"textarea"`
}

// ExtensionInput is the bank's request for more working days.
type ExtensionInput struct {
	Workdays int    `json:"workdays" form:"int,required,min=1,max=5"`
	Reason   string `json:"reason" form:"textarea,required"`
}

// SuperviseInput is a supervision notice: what the office requires and the
// date (YYYY-MM-DD) by which the bank must reply.
type SuperviseInput struct {
	Notice  string `json:"notice" form:"textarea,required"`
	ReplyBy string `json:"reply_by" form:"date,required"`
}

// ReplyInput is the bank's reply to a supervision notice.
type ReplyInput struct {
	Reply string `json:"reply" form:"textarea,required"`
}

// ResolveInput is the city office's or central bank's coordinated answer on
// an escalated case.
type ResolveInput struct {
	AnswerInput
	// Resolution says what the coordination (协调) decided.
	Resolution string `json:"resolution" form:"textarea,required"`
}

// AssignInput sends an escalated case to a bank with instructions.
type AssignInput struct {
	Bank         string `json:"bank" form:"bank,required"`
	Instructions string `json:"instructions" form:"textarea,required"`
}

// Outcomes of a case.
const (
	OutcomeFinanced    = "financed"
	OutcomeNotFinanced = "not_financed"
	OutcomeReferred    = "referred"
	OutcomeWithdrawn   = "withdrawn"
	OutcomeDismissed   = "dismissed"
	OutcomeNoMaterials = "materials_not_supplied"
)

var feedbackOutcomes = choices("outcome", OutcomeFinanced, OutcomeNotFinanced, OutcomeReferred)

// FeedbackInput is what the window fed back to the enterprise: whether it
// was financed and by how much (融资满足率 is the share of the demand met).
type FeedbackInput struct {
	Outcome        string `json:"outcome" form:"choice,required,choices=financed|not_financed|referred"`
	AmountFinanced string `json:"amount_financed,omitempty" form:"amount"`
	Note           string `json:"note,omitempty" form:"textarea"`
}

// WithdrawInput says why the enterprise withdrew.
type WithdrawInput struct {
	Reason string `json:"reason" form:"textarea"`
}

// Satisfaction ratings (满意度), taken at the follow-up.
const (
	Satisfied      = "satisfied"
	BasicSatisfied = "basically_satisfied"
	Dissatisfied   = "dissatisfied"
)

var satisfactions = choices("satisfaction", Satisfied, BasicSatisfied, Dissatisfied)

// FollowUpInput is the enterprise's satisfaction at the follow-up.
type FollowUpInput struct {
	Satisfaction string `json:"satisfaction" form:"choice,required,choices=satisfied|basically_satisfied|dissatisfied"`
	Comments     string `json:"comments,omitempty" form:"textarea"`
}

// InviteInput names a participating bank.
type InviteInput struct {
	Bank string `json:"bank" form:"bank,required"`
}
