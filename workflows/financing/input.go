package financing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"

	"github.com/parkfin/parkfin/engine"
)

// Text limits, in characters.
const (
	maxName = 200
	maxText = 4000
	maxNote = 1000
)

// maxAmount caps amounts at one hundred billion yuan: anything larger is a
// typing mistake.
var maxAmount = decimal.New(1, 11)

// decode reads a JSON payload strictly: unknown fields are an error, so a
// misspelt field is not silently dropped.
func decode(raw json.RawMessage, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return engine.Invalid(engine.FieldError{Field: typeErr.Field, Code: "type",
				Message: fmt.Sprintf("%s has the wrong type.", typeErr.Field), MessageZH: fmt.Sprintf("字段 %s 的类型不正确。", typeErr.Field)})
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return engine.Invalid(engine.FieldError{Field: f, Code: "unknown",
				Message: fmt.Sprintf("Unknown field %s.", f), MessageZH: fmt.Sprintf("不认识的字段 %s。", f)})
		}
		return engine.Invalid(engine.FieldError{Field: "payload", Code: "malformed",
			Message: "The details are not valid JSON.", MessageZH: "提交的内容格式有误。"})
	}
	if _, err := dec.Token(); err != io.EOF {
		return engine.Invalid(engine.FieldError{Field: "payload", Code: "malformed",
			Message: "The details are not valid JSON.", MessageZH: "提交的内容格式有误。"})
	}
	return nil
}

// checker collects field errors.
type checker struct{ errs []engine.FieldError }

func (c *checker) add(field, code, en, zh string) {
	c.errs = append(c.errs, engine.FieldError{Field: field, Code: code, Message: en, MessageZH: zh})
}

// text normalises *s (NFC, trimmed) and checks it is present when required
// and at most max characters. label is the field's Chinese name.
func (c *checker) text(field, label string, s *string, required bool, max int) {
	v := strings.TrimSpace(norm.NFC.String(*s))
	*s = v
	switch {
	case !utf8.ValidString(v):
		c.add(field, "encoding", field+" is not valid text.", label+"包含无法识别的字符。")
	case v == "" && required:
		c.add(field, "required", field+" is required.", "请填写"+label+"。")
	case utf8.RuneCountInString(v) > max:
		c.add(field, "too_long", fmt.Sprintf("%s is longer than %d characters.", field, max),
			fmt.Sprintf("%s不能超过 %d 个字。", label, max))
	}
}

// amount normalises an optional decimal amount in yuan: positive, at most
// two decimal places (fen), below maxAmount. An empty string stays empty.
func (c *checker) amount(field, label string, s *string) {
	v := strings.TrimSpace(*s)
	if v == "" {
		*s = ""
		return
	}
	d, err := decimal.NewFromString(v)
	switch {
	case err != nil || strings.ContainsAny(v, "eE"):
		c.add(field, "decimal", field+" must be an amount in yuan such as 1500000.00.", label+"应为以元为单位的金额，例如 1500000.00。")
	case !d.IsPositive():
		c.add(field, "positive", field+" must be greater than zero.", label+"必须大于零。")
	case d.Exponent() < -2 && !d.Equal(d.Round(2)):
		c.add(field, "precision", field+" has more than two decimal places.", label+"最多精确到分（两位小数）。")
	case d.GreaterThanOrEqual(maxAmount):
		c.add(field, "too_large", field+" is implausibly large.", label+"金额过大，请核对单位（元）。")
	default:
		*s = d.StringFixed(2)
	}
}

// oneOf checks *s is one of the allowed values.
func (c *checker) oneOf(field, label string, s *string, allowed ...string) {
	*s = strings.TrimSpace(*s)
	for _, a := range allowed {
		if *s == a {
			return
		}
	}
	if *s == "" {
		c.add(field, "required", field+" is required.", "请选择"+label+"。")
		return
	}
	c.add(field, "one_of", fmt.Sprintf("%s must be one of %s.", field, strings.Join(allowed, ", ")),
		fmt.Sprintf("%s只能是：%s。", label, strings.Join(allowed, "、")))
}

func (c *checker) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return engine.Invalid(c.errs...)
}

// normalised replaces the transition's payload with v, re-encoded: the
// ledger records what was understood, not what was typed.
func normalised(t *engine.Transition, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	t.Payload = raw
	return nil
}
