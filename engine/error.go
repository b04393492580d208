package engine

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: clients and the API's problem documents rely
// on them.
const (
	ECONFLICT      = "version_conflict"
	EINTERNAL      = "internal"
	EINVALID       = "validation_failed"
	ENOTFOUND      = "not_found"
	EFORBIDDEN     = "forbidden"
	ETRANSITION    = "transition_not_allowed"
	EUNAUTHORIZED  = "unauthenticated"
	ECALENDAR      = "calendar_year_missing"
	EDUPLICATE     = "conflict"
	EIDEMPOTENCY   = "idempotency_conflict"
	ERATELIMITED   = "rate_limited"
	EINVALIDUSCC   = "invalid_uscc"
	ENOPAIRING     = "no_pairing"
	ELEDGERBROKEN  = "ledger_broken"
	ETIMERNOTFOUND = "timer_not_found"
	// ELOCKED is a sign-in to an account locked after failed attempts.
	ELOCKED = "account_locked"
	// EPASSWORDCHANGE is a request of a user who must first choose a new
	// password (one set by an administrator).
	EPASSWORDCHANGE = "password_change_required"
)

// FieldError is one field's problem in a rejected input.
type FieldError struct {
	Field     string `json:"field"`
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageZH string `json:"message_zh"`
}

// Error is the domain error: a stable code, a message in English and in
// Simplified Chinese that a window clerk understands, and for invalid input
// the fields at fault.
type Error struct {
	Code      string
	Message   string
	MessageZH string
	Fields    []FieldError
	Err       error
}

// Error returns the English message.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and the two messages.
func Errorf(code, zh, en string, args ...any) *Error {
	return &Error{Code: code, MessageZH: fmt.Sprintf(zh, args...), Message: fmt.Sprintf(en, args...)}
}

// Invalid returns a validation_failed error for the given fields.
func Invalid(fields ...FieldError) *Error {
	return &Error{
		Code:      EINVALID,
		Message:   "Some fields are missing or wrong.",
		MessageZH: "填写的内容有误，请检查标出的字段。",
		Fields:    fields,
	}
}

// coded is implemented by errors of other packages (the calendar, the
// credit-code check) that carry a stable code without importing engine.
type coded interface{ ErrorCode() string }

// localized is implemented by errors that can say themselves in a language.
type localized interface {
	LocalizedMessage(lang string) string
}

// ErrorCode returns the code of err, or EINTERNAL for an error that carries
// none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c coded
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err in lang ("zh" or "en"). Errors that
// carry no code get a generic message: internal details are not for users.
func ErrorMessage(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		if lang == "zh" && e.MessageZH != "" {
			return e.MessageZH
		}
		return e.Message
	}
	var l localized
	if errors.As(err, &l) {
		return l.LocalizedMessage(lang)
	}
	if lang == "zh" {
		return "系统内部错误，请稍后重试或联系管理员。"
	}
	return "Internal error. Please try again later or contact the administrator."
}
