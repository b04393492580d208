package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parkfin/parkfin/engine"
)

// decodeStrict decodes one JSON value into v: unknown fields, trailing data
// and wrong types are validation_failed, never a server fault.
func decodeStrict(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return engine.Invalid(engine.FieldError{Field: "body", Code: "required",
			Message: "A JSON body is required.", MessageZH: "请提交 JSON 内容。"})
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return engine.Invalid(engine.FieldError{Field: "body", Code: "malformed",
			Message: "Only one JSON value may be sent.", MessageZH: "只能提交一个 JSON 对象。"})
	}
	return nil
}

func decodeProblem(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		f := typeErr.Field
		if f == "" {
			f = "body"
		}
		return engine.Invalid(engine.FieldError{Field: f, Code: "type",
			Message: fmt.Sprintf("%s has the wrong type.", f), MessageZH: fmt.Sprintf("字段 %s 的类型不正确。", f)})
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		f := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return engine.Invalid(engine.FieldError{Field: f, Code: "unknown",
			Message: fmt.Sprintf("Unknown field %s.", f), MessageZH: fmt.Sprintf("不认识的字段 %s。", f)})
	}
	return engine.Invalid(engine.FieldError{Field: "body", Code: "malformed",
		Message: "The body is not valid JSON.", MessageZH: "提交的内容不是有效的 JSON。"})
}
