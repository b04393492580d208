package payload

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"

	"github.com/parkfin/parkfin/engine"
)

// Text limits, in characters.
const (
	MaxName = 200
	MaxText = 4000
	MaxNote = 1000
)

// maxAmount caps amounts at one hundred billion yuan: anything larger is a
// typing mistake.
var maxAmount = decimal.New(1, 11)

// Checker collects the field errors of one request, so that all of them are
// reported at once.
type Checker struct{ errs []engine.FieldError }

// Add records a field error.
func (c *Checker) Add(field, code, en, zh string) {
	c.errs = append(c.errs, engine.FieldError{Field: field, Code: code, Message: en, MessageZH: zh})
}

// AddError records the field errors of a validation_failed error, or err
// itself under field.
func (c *Checker) AddError(field string, err error) {
	if fs := Errors(err); len(fs) > 0 {
		c.errs = append(c.errs, fs...)
		return
	}
	c.Add(field, engine.ErrorCode(err), engine.ErrorMessage(err, "en"), engine.ErrorMessage(err, "zh"))
}

// Text normalises *s (NFC, trimmed) and checks it is present when required
// and at most max characters. label is the field's Chinese name.
func (c *Checker) Text(field, label string, s *string, required bool, max int) {
	v := strings.TrimSpace(norm.NFC.String(*s))
	*s = v
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, utf8.RuneError):
		c.errs = append(c.errs, Encoding(field))
	case v == "" && required:
		c.Add(field, "required", field+" is required.", "请填写"+label+"。")
	case utf8.RuneCountInString(v) > max:
		c.Add(field, "too_long", fmt.Sprintf("%s is longer than %d characters.", field, max),
			fmt.Sprintf("%s不能超过 %d 个字。", label, max))
	}
}

// Amount normalises an optional decimal amount in yuan: positive, at most
// two decimal places (fen), below one hundred billion. An empty string stays
// empty.
func (c *Checker) Amount(field, label string, s *string) {
	v := strings.TrimSpace(*s)
	if v == "" {
		*s = ""
		return
	}
	d, err := decimal.NewFromString(v)
	switch {
	case err != nil || strings.ContainsAny(v, "eE"):
		c.Add(field, "decimal", field+" must be an amount in yuan such as 1500000.00.", label+"应为以元为单位的金额，例如 1500000.00。")
	case !d.IsPositive():
		c.Add(field, "positive", field+" must be greater than zero.", label+"必须大于零。")
	case d.Exponent() < -2 && !d.Equal(d.Round(2)):
		c.Add(field, "precision", field+" has more than two decimal places.", label+"最多精确到分（两位小数）。")
	case d.GreaterThanOrEqual(maxAmount):
		c.Add(field, "too_large", field+" is implausibly large.", label+"金额过大，请核对单位（元）。")
	default:
		*s = d.StringFixed(2)
	}
}

// Choice is an allowed value of a field and its Chinese name.
type Choice struct {
	Value string
	Label string
}

// OneOf checks *s is one of the allowed values; the message lists them by
// their Chinese names.
func (c *Checker) OneOf(field, label string, s *string, allowed ...Choice) {
	*s = strings.TrimSpace(*s)
	values, labels := make([]string, len(allowed)), make([]string, len(allowed))
	for i, a := range allowed {
		if *s == a.Value {
			return
		}
		values[i] = a.Value
		labels[i] = a.Label + "（" + a.Value + "）"
	}
	if *s == "" {
		c.Add(field, "required", field+" is required.", "请选择"+label+"。")
		return
	}
	c.Add(field, "one_of", fmt.Sprintf("%s must be one of %s.", field, strings.Join(values, ", ")),
		fmt.Sprintf("%s只能是：%s。", label, strings.Join(labels, "、")))
}

// IntRange checks min ≤ *n ≤ max.
func (c *Checker) IntRange(field, label string, n, min, max int) {
	if n < min || n > max {
		c.Add(field, "range", fmt.Sprintf("%s must be from %d to %d.", field, min, max),
			fmt.Sprintf("%s应在 %d 到 %d 之间。", label, min, max))
	}
}

// Err returns the collected errors as one validation_failed error, or nil.
func (c *Checker) Err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return engine.Invalid(c.errs...)
}

// Normalised replaces the transition's payload with v, re-encoded: the
// ledger records what was understood, not what was typed.
func Normalised(t *engine.Transition, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	t.Payload = raw
	return nil
}

// Apply decodes the transition's payload into in and checks it with check,
// reporting decoding and checking problems together; then update changes
// the workflow's record, and the normalised input becomes the ledger's
// payload.
func Apply[T any](t *engine.Transition, in *T, check func(*Checker, *T), update func(*T) error) error {
	var c Checker
	if err := Decode(t.Payload, in); err != nil {
		c.AddError("payload", err)
	}
	if check != nil {
		check(&c, in)
	}
	if err := c.Err(); err != nil {
		return OnePerField(err)
	}
	if update != nil {
		if err := update(in); err != nil {
			return err
		}
	}
	return Normalised(t, in)
}

// OnePerField keeps the first error of each field of a validation_failed
// error: a field that failed to decode is also empty, and "wrong type"
// says more than "required".
func OnePerField(err error) error {
	fs := Errors(err)
	seen := make(map[string]bool, len(fs))
	out := fs[:0:0]
	for _, f := range fs {
		if !seen[f.Field] {
			seen[f.Field] = true
			out = append(out, f)
		}
	}
	return engine.Invalid(out...)
}

// Choices builds a list of choices from value and Chinese label pairs.
func Choices(valueLabel ...string) []Choice {
	out := make([]Choice, 0, len(valueLabel)/2)
	for i := 0; i+1 < len(valueLabel); i += 2 {
		out = append(out, Choice{Value: valueLabel[i], Label: valueLabel[i+1]})
	}
	return out
}
