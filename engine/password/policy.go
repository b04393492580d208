package password

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MinLength is the shortest password accepted (等保 2.0 level 2 asks for
// complexity; ten characters with three kinds of them is the city's rule).
const MinLength = 10

// PolicyError says why a password is refused, in words a clerk reads.
type PolicyError struct {
	// Code is too_short, too_simple or contains_name.
	Code      string
	Message   string
	MessageZH string
}

// Error returns the English message.
func (e *PolicyError) Error() string { return e.Message }

// ErrorCode returns validation_failed: a refused password is bad input.
func (e *PolicyError) ErrorCode() string { return "validation_failed" }

// LocalizedMessage returns the message in Simplified Chinese when lang is
// "zh", in English otherwise.
func (e *PolicyError) LocalizedMessage(lang string) string {
	if lang == "zh" {
		return e.MessageZH
	}
	return e.Message
}

// CheckPolicy returns a *PolicyError when pw is too weak for the user: fewer
// than MinLength characters, fewer than three of the four kinds (lower-case
// and upper-case letters, digits, others — Chinese characters count as
// others), or containing the user's name (of three characters or more).
func CheckPolicy(pw, user string) error {
	if utf8.RuneCountInString(pw) < MinLength {
		return &PolicyError{Code: "too_short", Message: "The password needs at least 10 characters.",
			MessageZH: "密码至少需要 10 个字符。"}
	}
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r) && r < unicode.MaxASCII:
			lower = true
		case unicode.IsUpper(r) && r < unicode.MaxASCII:
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	kinds := 0
	for _, k := range []bool{lower, upper, digit, other} {
		if k {
			kinds++
		}
	}
	if kinds < 3 {
		return &PolicyError{Code: "too_simple",
			Message:   "The password needs three of: lower-case letters, upper-case letters, digits, other characters.",
			MessageZH: "密码须包含小写字母、大写字母、数字、其他字符中的至少三类。"}
	}
	if utf8.RuneCountInString(user) >= 3 && strings.Contains(strings.ToLower(pw), strings.ToLower(user)) {
		return &PolicyError{Code: "contains_name", Message: "The password must not contain the user name.",
			MessageZH: "密码不能包含用户名。"}
	}
	return nil
}
