package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// CreateCaseInput is the body of POST /api/v1/cases.
type CreateCaseInput struct {
	Park       string               `json:"park"`
	Enterprise financing.Enterprise `json:"enterprise"`
	Need       string               `json:"need"`
	Amount     string               `json:"amount,omitempty"`
	Contact    string               `json:"contact,omitempty"`
	ReceivedAt string               `json:"received_at,omitempty"`
}

// DecodeCreateCase decodes and checks the body of POST /api/v1/cases
// without touching a database: strict JSON without NUL, every field
// normalised (NFC, trimmed) and checked (sizes, the credit code's check
// character, the amount as exact yuan), received_at an RFC 3339 time. It returns the
// workflow's opening input and the received time (zero: now). Its errors
// are validation_failed, never anything else; the engine checks the
// received time against its clock and the park against the directory.
func DecodeCreateCase(body []byte) (financing.OpenInput, time.Time, error) {
	if hasJSONNul(body) || bytes.IndexByte(body, 0) >= 0 {
		return financing.OpenInput{}, time.Time{}, engine.Invalid(engine.FieldError{Field: "body", Code: "encoding",
			Message: "The body contains a NUL character.", MessageZH: "提交的内容含有无法识别的字符。"})
	}
	var in CreateCaseInput
	if err := decodeStrict(body, &in); err != nil {
		return financing.OpenInput{}, time.Time{}, err
	}
	open := financing.OpenInput{Park: in.Park, Enterprise: in.Enterprise, Need: in.Need,
		Amount: in.Amount, Contact: in.Contact}
	verr := open.Validate()
	var received time.Time
	if s := strings.TrimSpace(in.ReceivedAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil || t.Year() < 1900 || t.Year() > 9999 {
			f := engine.FieldError{Field: "received_at", Code: "time",
				Message:   "received_at must be an RFC 3339 time such as 2026-09-30T15:00:00+08:00.",
				MessageZH: "受理时间应为 RFC 3339 格式，例如 2026-09-30T15:00:00+08:00。"}
			if e, ok := verr.(*engine.Error); ok {
				e.Fields = append(e.Fields, f)
			} else {
				verr = engine.Invalid(f)
			}
		}
		received = t
	}
	if verr != nil {
		return financing.OpenInput{}, time.Time{}, verr
	}
	return open, received, nil
}

// fireInput is the body of POST /api/v1/cases/{id}/events.
type fireInput struct {
	Event   string          `json:"event"`
	Version int             `json:"version"`
	Payload json.RawMessage `json:"payload,omitempty"`
}
