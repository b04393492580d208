package financing

import (
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Data is the financing workflow's record of a case, kept as the case's
// JSON data. Amounts are decimal strings in yuan.
type Data struct {
	Park     string `json:"park"`
	ParkName string `json:"park_name"`
	County   string `json:"county"`
	// LeadBank is the bank that must answer now: the park's lead bank, or
	// the bank the case was rerouted, transferred or assigned to.
	LeadBank     string     `json:"lead_bank"`
	LeadBankName string     `json:"lead_bank_name"`
	PairingYear  int        `json:"pairing_year"`
	Enterprise   Enterprise `json:"enterprise"`
	Need         string     `json:"need"`
	Amount       string     `json:"amount,omitempty"`
	Contact      string     `json:"contact,omitempty"`
	// WindowDelayWorkdays is the window's own delay: working days from
	// receipt to routing, not charged to the bank.
	WindowDelayWorkdays int `json:"window_delay_workdays"`
	// Origin is the case another workflow opened this one from, and its
	// item: a park visit's problem (问题清单 → case).
	Origin *engine.Origin `json:"origin,omitempty"`

	// Rounds lists each time a bank got the case with a fresh limit.
	Rounds       []Round          `json:"rounds"`
	InfoRequests []InfoRequest    `json:"info_requests,omitempty"`
	Participants []string         `json:"participants,omitempty"`
	Offers       []BankOffer      `json:"offers,omitempty"`
	Answer       *AnswerRecord    `json:"answer,omitempty"`
	Returns      []ReturnRecord   `json:"returns,omitempty"`
	Extensions   []Extension      `json:"extensions,omitempty"`
	Supervisions []Supervision    `json:"supervisions,omitempty"`
	Urges        int              `json:"urges,omitempty"`
	Escalation   *Escalation      `json:"escalation,omitempty"`
	Resolution   *ResolveInput    `json:"resolution,omitempty"`
	Transfers    []TransferRecord `json:"transfers,omitempty"`
	Feedback     *FeedbackInput   `json:"feedback,omitempty"`
	// Outcome is how the case closed last: financed, not_financed,
	// referred, withdrawn, dismissed or materials_not_supplied.
	Outcome   string           `json:"outcome,omitempty"`
	ClosedAt  *time.Time       `json:"closed_at,omitempty"`
	FollowUps []FollowUpRecord `json:"follow_ups,omitempty"`
	// FollowedUp is set once the case was followed up since it last closed.
	FollowedUp bool `json:"followed_up,omitempty"`
	// Redone counts the reopenings after an unsatisfied follow-up (重办).
	Redone int `json:"redone,omitempty"`
	// GreenChannel lists the green-channel projects opened from the case
	// (绿色通道), one per bank.
	GreenChannel []GreenProject `json:"green_channel,omitempty"`
}

// Enterprise identifies the enterprise that brought the need.
type Enterprise struct {
	Name string `json:"name" form:"text,required"`
	USCC string `json:"uscc" form:"text,required"`
}

// Round is one bank's turn with the case: from routing to its answer.
type Round struct {
	Bank     string `json:"bank"`
	BankName string `json:"bank_name"`
	// Cause is the event that routed it: open, reroute, resubmit, reopen,
	// assign or transfer.
	Cause    engine.EventName `json:"cause"`
	RoutedAt time.Time        `json:"routed_at"`
	// AcceptedAt is when the bank signed for it; SignWorkdays the working
	// days from routing to signing (0: the same day).
	AcceptedAt   *time.Time `json:"accepted_at,omitempty"`
	SignWorkdays *int       `json:"sign_workdays,omitempty"`
	AnsweredAt   *time.Time `json:"answered_at,omitempty"`
	// Late is set when the bank answered (or declared it cannot solve it)
	// after its limit, WorkdaysLate by how many working days.
	Late         bool `json:"late,omitempty"`
	WorkdaysLate int  `json:"workdays_late,omitempty"`
	// Instructions are the offices' instructions when they assigned it.
	Instructions string `json:"instructions,omitempty"`
}

// InfoRequest is one request for materials and what was supplied.
type InfoRequest struct {
	Question   string     `json:"question"`
	AskedAt    time.Time  `json:"asked_at"`
	Info       string     `json:"info,omitempty"`
	SuppliedAt *time.Time `json:"supplied_at,omitempty"`
}

// BankOffer is a participating bank's own answer.
type BankOffer struct {
	Bank string `json:"bank"`
	AnswerInput
	At time.Time `json:"at"`
}

// AnswerRecord is the bank's handling opinion as recorded, with when and whether
// it was late.
type AnswerRecord struct {
	AnswerInput
	Bank         string    `json:"bank"`
	At           time.Time `json:"at"`
	Late         bool      `json:"late,omitempty"`
	WorkdaysLate int       `json:"workdays_late,omitempty"`
}

// ReturnRecord is a bank's return of a case not meant for it and the county's
// decision.
type ReturnRecord struct {
	Bank       string     `json:"bank"`
	Category   string     `json:"category"`
	Reason     string     `json:"reason"`
	At         time.Time  `json:"at"`
	Decision   string     `json:"decision,omitempty"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	DecisionBy string     `json:"decision_by,omitempty"`
}

// Extension is a bank's request for more working days and its decision.
type Extension struct {
	Bank        string     `json:"bank"`
	Workdays    int        `json:"workdays"`
	Reason      string     `json:"reason"`
	RequestedAt time.Time  `json:"requested_at"`
	Decision    string     `json:"decision,omitempty"` // granted or refused
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// Supervision is a supervision notice (督办) and the bank's reply.
type Supervision struct {
	By        string     `json:"by"`
	Role      string     `json:"role"`
	Notice    string     `json:"notice"`
	ReplyBy   string     `json:"reply_by"`
	IssuedAt  time.Time  `json:"issued_at"`
	Reply     string     `json:"reply,omitempty"`
	RepliedAt *time.Time `json:"replied_at,omitempty"`
	Late      bool       `json:"late,omitempty"`
}

// Escalation says why, when and by whom the case went to the city office
// and the central bank, and who took it up.
type Escalation struct {
	// Cause is "cannot_solve" (the banks) or "county" (the county office
	// reported it).
	Cause string    `json:"cause"`
	By    string    `json:"by"`
	At    time.Time `json:"at"`
	// Reason says why; NoParticipantReason why no participating bank was
	// invited, when none was.
	Reason              string `json:"reason"`
	NoParticipantReason string `json:"no_participant_reason,omitempty"`
	// Overdue is set when the bank's limit had passed.
	Overdue        bool       `json:"overdue,omitempty"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

// TransferRecord is a move of an open case to another bank.
type TransferRecord struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// FollowUpRecord is the window's follow-up with the enterprise after closing.
type FollowUpRecord struct {
	Satisfaction string    `json:"satisfaction"`
	Comments     string    `json:"comments,omitempty"`
	At           time.Time `json:"at"`
	Late         bool      `json:"late,omitempty"`
}

// DataOf decodes a case's data.
func DataOf(c *engine.Case) (*Data, error) { return payload.Record[Data](c) }

// ViewOf returns a case's record to read, never to change (payload.View):
// without decoding it again when the case was just opened or moved.
func ViewOf(c *engine.Case) (*Data, error) { return payload.View[Data](c) }

func (d *Data) store(c *engine.Case) error { return payload.Keep(c, d) }

// round returns the current round, or nil before the first.
func (d *Data) round() *Round {
	if len(d.Rounds) == 0 {
		return nil
	}
	return &d.Rounds[len(d.Rounds)-1]
}
