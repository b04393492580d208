package uscc

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Reason says why a code was rejected.
type Reason int

const (
	// ReasonEmpty means nothing was entered, or only spaces.
	ReasonEmpty Reason = iota + 1
	// ReasonLength means the code does not have 18 characters.
	ReasonLength
	// ReasonCharacter means a character is not in the code alphabet — one of the
	// letters I, O, Z, S, V, a space, punctuation, a Chinese character.
	ReasonCharacter
	// ReasonRegistrationAuthority means position 1 is not a registration-authority
	// code (1–9, A, N, Y).
	ReasonRegistrationAuthority
	// ReasonDivision means positions 3–8, the administrative division, are not
	// all digits.
	ReasonDivision
	// ReasonCheck means the check character at position 18 does not match the
	// first 17 characters.
	ReasonCheck
)

// String returns a short name for the reason, for logs.
func (r Reason) String() string {
	switch r {
	case ReasonEmpty:
		return "empty"
	case ReasonLength:
		return "length"
	case ReasonCharacter:
		return "character"
	case ReasonRegistrationAuthority:
		return "registration_authority"
	case ReasonDivision:
		return "division"
	case ReasonCheck:
		return "check"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// code is the error code of every *Error; it equals engine.EINVALIDUSCC,
// which this package does not import.
const code = "invalid_uscc"

// Error is a rejected code: why, where and what was found.
type Error struct {
	// Reason says what is wrong.
	Reason Reason
	// Position is the 1-based position of the faulty character in the
	// normalised code, or 0 when the fault is not one character's
	// (ReasonEmpty, ReasonLength).
	Position int
	// Char is the faulty character, or 0.
	Char rune
	// Expected is the check character the first 17 characters call for,
	// with ReasonCheck; 0 otherwise.
	Expected rune
	// Got is the normalised input that was rejected.
	Got string
}

// Error returns the message in English.
func (e *Error) Error() string { return e.LocalizedMessage("en") }

// ErrorCode returns "invalid_uscc", the code the API reports.
func (e *Error) ErrorCode() string { return code }

// LocalizedMessage returns a message a window clerk can act on: in
// Simplified Chinese when lang is "zh", in English otherwise. Every message
// about one character names its position.
func (e *Error) LocalizedMessage(lang string) string {
	zh := lang == "zh"
	switch e.Reason {
	case ReasonEmpty:
		if zh {
			return "请填写统一社会信用代码（18位，见营业执照）。"
		}
		return "Enter the unified social credit code (18 characters, on the business licence)."
	case ReasonLength:
		n := utf8.RuneCountInString(e.Got)
		if zh {
			return fmt.Sprintf("统一社会信用代码应为%d位，当前为%d位，请对照营业执照检查是否漏输或多输。", Length, n)
		}
		return fmt.Sprintf("The unified social credit code must have %d characters; this one has %d. Compare it with the business licence for a missing or extra character.", Length, n)
	case ReasonCharacter:
		return e.characterMessage(zh)
	case ReasonRegistrationAuthority:
		if zh {
			return fmt.Sprintf("统一社会信用代码第%d位“%c”不是有效的登记管理部门代码（应为数字1至9或字母A、N、Y），请核对营业执照。", e.Position, e.Char)
		}
		return fmt.Sprintf("Character %d of the unified social credit code, “%c”, is not a registration-authority code (it must be a digit 1 to 9 or one of A, N, Y). Check the business licence.", e.Position, e.Char)
	case ReasonDivision:
		if zh {
			return fmt.Sprintf("统一社会信用代码第3至8位是登记机关行政区划码，应全为数字，但第%d位是“%c”，请核对营业执照。", e.Position, e.Char)
		}
		return fmt.Sprintf("Characters 3 to 8 of the unified social credit code are the registration area code and must be digits, but character %d is “%c”. Check the business licence.", e.Position, e.Char)
	case ReasonCheck:
		// Saying only "should be X" invites the clerk to change the last
		// character until the code passes; usually another one is wrong.
		if zh {
			return fmt.Sprintf("统一社会信用代码校验位错误：第%d位应为“%c”，实际为“%c”，请对照营业执照逐位核对（多半是其他某一位输错，不要只改最后一位）。", e.Position, e.Expected, e.Char)
		}
		return fmt.Sprintf("The check character of the unified social credit code is wrong: character %d should be “%c” but is “%c”. Compare every character with the business licence; usually another character was mistyped, so do not just change the last one.", e.Position, e.Expected, e.Char)
	}
	if zh {
		return "统一社会信用代码无效，请核对营业执照。"
	}
	return "The unified social credit code is not valid. Check the business licence."
}

// characterMessage describes a character outside the alphabet in words the
// clerk can see: a space or an invisible character cannot be shown quoted.
func (e *Error) characterMessage(zh bool) string {
	p, r := e.Position, e.Char
	switch {
	case r == ' ' || r == '\u00a0':
		if zh {
			return fmt.Sprintf("统一社会信用代码第%d位是空格，请删除。", p)
		}
		return fmt.Sprintf("Character %d of the unified social credit code is a space; remove it.", p)
	case r == '\u3000':
		if zh {
			return fmt.Sprintf("统一社会信用代码第%d位是全角空格，请删除。", p)
		}
		return fmt.Sprintf("Character %d of the unified social credit code is a full-width space; remove it.", p)
	case r == utf8.RuneError:
		if zh {
			return fmt.Sprintf("统一社会信用代码第%d位是无法识别的字符，请删除后重新输入。", p)
		}
		return fmt.Sprintf("Character %d of the unified social credit code cannot be read; delete it and type the code again.", p)
	case !unicode.IsGraphic(r):
		if zh {
			return fmt.Sprintf("统一社会信用代码第%d位有不可见字符（U+%04X），请删除后重新输入。", p, r)
		}
		return fmt.Sprintf("Character %d of the unified social credit code is invisible (U+%04X); delete it and type the code again.", p, r)
	}
	if digit, excluded := excludedLetters[r]; excluded {
		if zh {
			msg := fmt.Sprintf("统一社会信用代码第%d位“%c”不是有效字符（代码中不使用 I、O、Z、S、V）", p, r)
			if digit != 0 {
				return msg + fmt.Sprintf("，是否应为数字“%c”？", digit)
			}
			return msg + "，请核对营业执照。"
		}
		msg := fmt.Sprintf("Character %d of the unified social credit code, “%c”, is not allowed (codes never use I, O, Z, S or V)", p, r)
		if digit != 0 {
			return msg + fmt.Sprintf(". Did you mean the digit “%c”?", digit)
		}
		return msg + ". Check the business licence."
	}
	if zh {
		return fmt.Sprintf("统一社会信用代码第%d位“%c”不是有效字符，代码只由数字和大写英文字母组成。", p, r)
	}
	return fmt.Sprintf("Character %d of the unified social credit code, “%c”, is not allowed: the code has only digits and capital letters.", p, r)
}

// excludedLetters are the letters the alphabet leaves out, each with the
// digit it is most often typed for, or 0.
var excludedLetters = map[rune]rune{'I': '1', 'O': '0', 'Z': '2', 'S': '5', 'V': 0}
