// Package uscc checks the unified social credit code (统一社会信用代码) that
// identifies a Chinese legal person or other organisation, as laid down in
// GB 32100-2015.
//
// A code has 18 characters from a 31-character alphabet: the digits and the
// capital letters except I, O, Z, S and V, valued 0 to 30 in the order
// 0123456789ABCDEFGHJKLMNPQRTUWXY. Its parts are:
//
//	position 1      registration-authority code (登记管理部门代码)
//	position 2      organisation-category code (机构类别代码)
//	positions 3–8   administrative division of the registering office (登记管理机关行政区划码)
//	positions 9–17  organisation code (主体标识码, GB 11714)
//	position 18     check character (校验码)
//
// The check character is 31 − (Σ value×weight mod 31), with 31 written as 0,
// where the weight of position i is 3^(i−1) mod 31.
//
// What Validate checks, and what it deliberately leaves alone:
//
//   - Position 1 must be one of the registration-authority codes of the
//     standard's code table: 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政,
//     6 旅游, 7 宗教, 8 工会, 9 工商 (now market regulation), A 中央军委改革和
//     编制办公室 (army institutions), N 农业 (rural collective economic
//     organisations) and Y 其他. Religious bodies are 7, not A. The table
//     assigns no other character, so anything else is a typing mistake.
//   - Position 2 may be any character of the alphabet. The category tables
//     belong to each registration authority, have grown over time, and
//     published copies disagree (for instance on whether 工商 has a "9 其他"
//     category); rejecting a genuine licence at the window costs more than
//     the check character already catches.
//   - Positions 3–8 must be digits. Whether they name a division that exists
//     is not checked: divisions are renamed and merged, and codes keep the
//     division of the day they were issued.
//   - Position 17, the organisation code's own GB 11714 check character, is
//     not checked: the code is validated as GB 32100 defines it, and its
//     check character already covers positions 1–17.
//
// Input is normalised first (see Normalize), because codes are pasted from
// Word documents and PDFs with full-width characters and stray spaces.
package uscc

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Length is the number of characters in a unified social credit code.
const Length = 18

// alphabet lists the characters of a code in the order of their values.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are the weights of positions 1 to 17: 3^(i−1) mod 31.
var weights = [Length - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// values maps an ASCII byte to its value in the alphabet, or −1.
var values = func() (t [utf8.RuneSelf]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(alphabet) {
		t[alphabet[i]] = int8(i)
	}
	return t
}()

// value returns the value of r in the alphabet, or −1 if r is not in it.
func value(r rune) int {
	if r < 0 || r >= utf8.RuneSelf {
		return -1
	}
	return int(values[r])
}

// authorities are the registration-authority codes that may open a code.
const authorities = "123456789ANY"

// Validate normalises code and checks it. It returns the normalised code, or
// an *Error saying what is wrong and where, in this order: empty input, a
// character outside the alphabet, the wrong length, an unknown registration
// authority, a non-digit in the division, a wrong check character.
//
// Characters are checked before the length because a stray character — a
// space, a hyphen, the letter O typed for zero — is the more precise
// diagnosis, and often the reason the length is wrong.
func Validate(code string) (string, error) {
	s := Normalize(code)
	if s == "" {
		return "", &Error{Reason: ReasonEmpty, Got: s}
	}
	n := 0
	for _, r := range s {
		n++
		if value(r) < 0 {
			return "", &Error{Reason: ReasonCharacter, Position: n, Char: r, Got: s}
		}
	}
	if n != Length {
		return "", &Error{Reason: ReasonLength, Got: s}
	}
	// From here s is 18 bytes of ASCII: every character is in the alphabet.
	if strings.IndexByte(authorities, s[0]) < 0 {
		return "", &Error{Reason: ReasonRegistrationAuthority, Position: 1, Char: rune(s[0]), Got: s}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", &Error{Reason: ReasonDivision, Position: i + 1, Char: rune(s[i]), Got: s}
		}
	}
	want := checkChar(s[:Length-1])
	if got := s[Length-1]; got != want {
		return "", &Error{Reason: ReasonCheck, Position: Length, Char: rune(got), Expected: rune(want), Got: s}
	}
	return s, nil
}

// CheckChar returns the check character for the first 17 characters of a
// code, for instance to generate demonstration data. first17 must already be
// normalised: exactly 17 characters of the alphabet, capital letters only.
// Only the check character is computed; the authority and division are not
// checked.
func CheckChar(first17 string) (rune, error) {
	n := 0
	for _, r := range first17 {
		n++
		if value(r) < 0 {
			return 0, fmt.Errorf("uscc: CheckChar: character %d, %q, is not in the code alphabet %s", n, r, alphabet)
		}
	}
	if n != Length-1 {
		return 0, fmt.Errorf("uscc: CheckChar needs the first %d characters of a code, got %d", Length-1, n)
	}
	return rune(checkChar(first17)), nil
}

// checkChar computes the check character of 17 characters known to be in
// the alphabet.
func checkChar(first17 string) byte {
	sum := 0
	for i, w := range weights {
		sum += int(values[first17[i]]) * w
	}
	return alphabet[(31-sum%31)%31]
}
