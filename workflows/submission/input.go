package submission

import (
	"context"
	"strings"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

// SubmitInput is the bank's covering note to its workbook; the workbook
// itself is the file handed in with the event.
type SubmitInput struct {
	// Note is the bank's remark on the quarter; optional.
	Note string `json:"note,omitempty" form:"textarea"`
}

// AcceptInput is the city office's acceptance.
type AcceptInput struct {
	Note string `json:"note,omitempty" form:"textarea"`
}

// ReturnInput says what must be corrected.
type ReturnInput struct {
	Reason string `json:"reason" form:"textarea,required"`
}

// xlsx is the media type of the workbook a bank submits.
const xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func submit(_ context.Context, t *engine.Transition) error {
	var in SubmitInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *SubmitInput) {
		c.Text("note", words.Label(Submit, "note"), &in.Note, false, payload.MaxText)
		for _, f := range t.Files {
			if !strings.HasSuffix(strings.ToLower(f.Name), ".xlsx") && f.MediaType != xlsx {
				c.Add("files", "format", "The resolution ledger is handed in as an .xlsx workbook.", "解决台账应以 .xlsx 工作簿提交。")
				break
			}
		}
	}, nil)
}

func accept(_ context.Context, t *engine.Transition) error {
	var in AcceptInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *AcceptInput) {
		c.Text("note", words.Label(Accept, "note"), &in.Note, false, payload.MaxText)
	}, nil)
}

func giveBack(_ context.Context, t *engine.Transition) error {
	var in ReturnInput
	return payload.Apply(t, &in, func(c *payload.Checker, in *ReturnInput) {
		c.Text("reason", words.Label(Return, "reason"), &in.Reason, true, payload.MaxText)
	}, nil)
}
