package financing

import (
	"encoding/json"
	"time"

	"github.com/parkfin/parkfin/engine"
)

// Data is the financing workflow's record of a case, kept as the case's
// JSON data. Amounts are decimal strings in yuan.
type Data struct {
	Park         string     `json:"park"`
	ParkName     string     `json:"park_name"`
	County       string     `json:"county"`
	LeadBank     string     `json:"lead_bank"`
	LeadBankName string     `json:"lead_bank_name"`
	PairingYear  int        `json:"pairing_year"`
	Enterprise   Enterprise `json:"enterprise"`
	Need         string     `json:"need"`
	Amount       string     `json:"amount,omitempty"`
	Contact      string     `json:"contact,omitempty"`

	InfoRequests []InfoRequest  `json:"info_requests,omitempty"`
	Participants []string       `json:"participants,omitempty"`
	Offers       []BankOffer    `json:"offers,omitempty"`
	Answer       *AnswerInput   `json:"answer,omitempty"`
	Escalation   *Escalation    `json:"escalation,omitempty"`
	Resolution   *ResolveInput  `json:"resolution,omitempty"`
	Feedback     *FeedbackInput `json:"feedback,omitempty"`
	Urges        int            `json:"urges,omitempty"`
}

// Enterprise identifies the enterprise that brought the need.
type Enterprise struct {
	Name string `json:"name"`
	USCC string `json:"uscc"`
}

// InfoRequest is one request for more information and its answer.
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

// Escalation says why and when the case went to the city.
type Escalation struct {
	// Cause is "cannot_solve" or "overdue".
	Cause  string    `json:"cause"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// DataOf decodes a case's data.
func DataOf(c *engine.Case) (*Data, error) {
	var d Data
	if err := json.Unmarshal(c.Data, &d); err != nil {
		return nil, err
	}
	return &d, nil
}

func (d *Data) store(c *engine.Case) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	c.Data = raw
	return nil
}
