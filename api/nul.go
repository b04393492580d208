package api

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
)

// PostgreSQL text cannot hold NUL, and no field of parkfin needs it or a
// string that is not UTF-8: such input is a client mistake, refused before
// it reaches a handler (and the database, which would fail on it).

// hasJSONNul reports whether a JSON text escapes a NUL character (\u0000;
// JSON escapes take a lower-case u only) anywhere: counting the backslashes
// before "u0000" tells an escape from an escaped backslash followed by the
// letters.
func hasJSONNul(b []byte) bool {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("u0000"))
		if j < 0 {
			return false
		}
		at := i + j
		n := 0
		for k := at - 1; k >= 0 && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 1 {
			return true
		}
		i = at + 1
	}
}

// cleanText reports whether s is UTF-8 without NUL.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// checkInputText refuses NUL and invalid UTF-8 in path parameters, query
// parameters, the Idempotency-Key header and the body.
func checkInputText(c echo.Context) error {
	bad := func(field string) error {
		return engine.Invalid(engine.FieldError{Field: field, Code: "encoding",
			Message: field + " contains a NUL character or is not UTF-8.", MessageZH: "字段 " + field + " 含有无法识别的字符。"})
	}
	for i, v := range c.ParamValues() {
		if !cleanText(v) {
			return bad(c.ParamNames()[i])
		}
	}
	for k, vs := range c.QueryParams() {
		for _, v := range vs {
			if !cleanText(k) || !cleanText(v) {
				return bad(k)
			}
		}
	}
	if !cleanText(c.Request().Header.Get("Idempotency-Key")) {
		return bad("Idempotency-Key")
	}
	if body := bodyOf(c); len(body) > 0 && (hasJSONNul(body) || bytes.IndexByte(body, 0) >= 0) {
		return bad("body")
	}
	return nil
}
