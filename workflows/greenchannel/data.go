package greenchannel

import (
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// Data is the workflow's record of a project, kept as the case's JSON
// data: what the financing case handed it, and the steps recorded.
// Amounts are decimal strings in yuan; dates are Beijing days, YYYY-MM-DD.
type Data struct {
	// Financing and FinancingID name the financing case it came from.
	Financing   string `json:"financing"`
	FinancingID string `json:"financing_id"`
	financing.GreenChannelOpening
	// OpenedOn is the day the green channel was opened.
	OpenedOn string `json:"opened_on"`
	Steps    []Step `json:"steps"`
	// Stopped is set when the bank stopped the project.
	Stopped *Step `json:"stopped,omitempty"`
}

// Step is one recorded step: 立项, 申报, 授信, 审批, 放款, or the stop.
type Step struct {
	// Step is the step's event: set_up, apply, credit, approve, disburse
	// or stop.
	Step   engine.EventName `json:"step"`
	Date   string           `json:"date"`
	Amount string           `json:"amount,omitempty"`
	// Reason says why the project stopped.
	Reason     string    `json:"reason,omitempty"`
	Note       string    `json:"note,omitempty"`
	RecordedAt time.Time `json:"recorded_at"`
	RecordedBy string    `json:"recorded_by"`
}

// DataOf decodes a case's data.
func DataOf(c *engine.Case) (*Data, error) { return payload.Record[Data](c) }

func (d *Data) store(c *engine.Case) error { return payload.Keep(c, d) }

// Step returns the recorded step of event ev, or nil.
func (d *Data) Step(ev engine.EventName) *Step {
	for i := range d.Steps {
		if d.Steps[i].Step == ev {
			return &d.Steps[i]
		}
	}
	return nil
}

// last is the date the next step may not precede: the last step's, or
// the bank's answer's before the first.
func (d *Data) last() string {
	if n := len(d.Steps); n > 0 {
		return d.Steps[n-1].Date
	}
	return d.AnsweredOn
}
