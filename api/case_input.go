package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// CreateCaseInput is the body of POST /api/v1/cases.
type CreateCaseInput struct {
	Park       string               `json:"park"`
	Enterprise financing.Enterprise `json:"enterprise"`
	Need       string               `json:"need"`
	Amount     string               `json:"amount,omitempty"`
	Contact    string               `json:"contact,omitempty"`
	ReceivedAt string               `json:"received_at,omitempty"`
	RoutedAt   string               `json:"routed_at,omitempty"`
}

// Opening is a decoded case creation: the workflow's opening input and the
// paper record's times (zero: now).
type Opening struct {
	Input      financing.OpenInput
	ReceivedAt time.Time
	RoutedAt   time.Time
}

// DecodeCreateCase decodes and checks the body of POST /api/v1/cases
// without touching a database, reporting every problem at once: strict JSON
// without NUL, no unknown field, text that is UTF-8, every field normalised
// (NFC, trimmed) and checked (sizes, the credit code's check character, the
// amount as exact yuan), received_at and routed_at RFC 3339 times. Its
// errors are validation_failed, never anything else; the engine checks the
// times against its clock and the park against the directory.
func DecodeCreateCase(body []byte) (Opening, error) {
	if hasJSONNul(body) || bytes.IndexByte(body, 0) >= 0 {
		return Opening{}, engine.Invalid(engine.FieldError{Field: "body", Code: "encoding",
			Message: "The body contains a NUL character.", MessageZH: "提交的内容含有无法识别的字符。"})
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Opening{}, engine.Invalid(engine.FieldError{Field: "body", Code: "required",
			Message: "A JSON body is required.", MessageZH: "请提交 JSON 内容。"})
	}
	var (
		in CreateCaseInput
		c  payload.Checker
	)
	if err := payload.Decode(body, &in); err != nil {
		c.AddError("body", err)
	}
	var o Opening
	o.Input = financing.OpenInput{Park: in.Park, Enterprise: in.Enterprise, Need: in.Need, Amount: in.Amount, Contact: in.Contact}
	if err := o.Input.Validate(); err != nil {
		c.AddError("body", err)
	}
	o.ReceivedAt = timeField(&c, "received_at", "受理时间", in.ReceivedAt)
	o.RoutedAt = timeField(&c, "routed_at", "转办时间", in.RoutedAt)
	if err := c.Err(); err != nil {
		return Opening{}, payload.OnePerField(err)
	}
	return o, nil
}

// timeField parses an optional RFC 3339 time.
func timeField(c *payload.Checker, field, label, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		c.Add(field, "time", field+" must be an RFC 3339 time such as 2026-09-30T15:00:00+08:00.",
			label+"应为 RFC 3339 格式，例如 2026-09-30T15:00:00+08:00。")
		return time.Time{}
	}
	return t
}

// fireInput is the body of POST /api/v1/cases/{id}/events.
type fireInput struct {
	Event   string          `json:"event"`
	Version int             `json:"version"`
	Payload json.RawMessage `json:"payload,omitempty"`
	Files   []fileInput     `json:"files,omitempty"`
}

// fileInput is a file handed in with an event, its bytes in base64.
type fileInput struct {
	Name      string `json:"name"`
	MediaType string `json:"media_type,omitempty"`
	Content   string `json:"content_base64"`
}

// decodeFiles reads the files' bytes; the engine checks the rest.
func (in fireInput) decodeFiles() ([]engine.File, error) {
	out := make([]engine.File, len(in.Files))
	for i, f := range in.Files {
		raw, err := base64.StdEncoding.DecodeString(f.Content)
		if err != nil {
			return nil, engine.Invalid(engine.FieldError{Field: fmt.Sprintf("files[%d].content_base64", i), Code: "base64",
				Message: "The file's content must be standard base64.", MessageZH: "文件内容应为标准 Base64 编码。"})
		}
		out[i] = engine.File{Name: f.Name, MediaType: f.MediaType, Content: raw}
	}
	return out, nil
}
