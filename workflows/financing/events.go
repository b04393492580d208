package financing

import (
	"github.com/parkfin/parkfin/workflows/payload"
)

// NoteInput is the optional remark of an event that needs nothing else
// (sign for, urge, send back).
type NoteInput struct {
	Note string `json:"note,omitempty"`
}

func (in *NoteInput) check(c *payload.Checker) {
	c.Text("note", "备注", &in.Note, false, payload.MaxNote)
}

// RequestInfoInput says what the bank needs from the enterprise.
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

var canHandle = payload.Choices(CanYes, "能办理", CanPartly, "部分能办理", CanNo, "不能办理")

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
	var c payload.Checker
	in.check(&c)
	return c.Err()
}

func (in *AnswerInput) check(c *payload.Checker) {
	c.OneOf("can_handle", "能否办理", &in.CanHandle, canHandle...)
	handled := in.CanHandle == CanYes || in.CanHandle == CanPartly
	c.Text("conditions", "办理条件", &in.Conditions, handled, payload.MaxText)
	c.Text("procedure", "办理程序", &in.Procedure, handled, payload.MaxText)
	c.Text("product", "信贷产品", &in.Product, false, payload.MaxName)
	c.Amount("amount_offered", "可提供金额", &in.AmountOffered)
	c.Text("reason", "不能办理的原因", &in.Reason, in.CanHandle == CanNo, payload.MaxText)
	c.Text("note", "备注", &in.Note, false, payload.MaxNote)
}

// Why a bank returns a case (退单原因).
const (
	ReturnNotFinancing = "not_financing"
	ReturnNotInPark    = "not_in_park"
	ReturnWrongBank    = "wrong_bank"
	ReturnOther        = "other"
)

var returnCategories = payload.Choices(ReturnNotFinancing, "非融资事项", ReturnNotInPark, "企业不在本园区", ReturnWrongBank, "非本行业务", ReturnOther, "其他")

// ReturnInput is the bank's return of a case not meant for it.
type ReturnInput struct {
	Category string `json:"category"`
	Reason   string `json:"reason"`
}

// BankInput names a bank with a reason: a reroute or a transfer.
type BankInput struct {
	Bank   string `json:"bank"`
	Reason string `json:"reason"`
}

// ReasonInput is an event that needs a reason.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// CannotSolveInput says why the banks cannot solve the need, and why no
// participating bank was invited when none was.
type CannotSolveInput struct {
	Reason              string `json:"reason"`
	NoParticipantReason string `json:"no_participant_reason,omitempty"`
}

// ExtensionInput is the bank's request for more working days.
type ExtensionInput struct {
	Workdays int    `json:"workdays"`
	Reason   string `json:"reason"`
}

// SuperviseInput is a supervision notice: what the office requires and the
// date (YYYY-MM-DD) by which the bank must reply.
type SuperviseInput struct {
	Notice  string `json:"notice"`
	ReplyBy string `json:"reply_by"`
}

// ReplyInput is the bank's reply to a supervision notice.
type ReplyInput struct {
	Reply string `json:"reply"`
}

// ResolveInput is the city office's or central bank's coordinated answer on
// an escalated case.
type ResolveInput struct {
	AnswerInput
	// Resolution says what the coordination (协调) decided.
	Resolution string `json:"resolution"`
}

// AssignInput sends an escalated case to a bank with instructions.
type AssignInput struct {
	Bank         string `json:"bank"`
	Instructions string `json:"instructions"`
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

var feedbackOutcomes = payload.Choices(OutcomeFinanced, "已获得融资", OutcomeNotFinanced, "未获得融资", OutcomeReferred, "已转介其他渠道")

// FeedbackInput is what the window fed back to the enterprise: whether it
// was financed and by how much (融资满足率 is the share of the demand met).
type FeedbackInput struct {
	Outcome        string `json:"outcome"`
	AmountFinanced string `json:"amount_financed,omitempty"`
	Note           string `json:"note,omitempty"`
}

// WithdrawInput says why the enterprise withdrew.
type WithdrawInput struct {
	Reason string `json:"reason"`
}

// Satisfaction ratings (满意度), taken at the follow-up.
const (
	Satisfied      = "satisfied"
	BasicSatisfied = "basically_satisfied"
	Dissatisfied   = "dissatisfied"
)

var satisfactions = payload.Choices(Satisfied, "满意", BasicSatisfied, "基本满意", Dissatisfied, "不满意")

// FollowUpInput is the enterprise's satisfaction at the follow-up.
type FollowUpInput struct {
	Satisfaction string `json:"satisfaction"`
	Comments     string `json:"comments,omitempty"`
}

// InviteInput names a participating bank.
type InviteInput struct {
	Bank string `json:"bank"`
}
