package uscc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize returns s as a clerk meant it: without the spaces around it
// (including the full-width space U+3000, the no-break space and the
// invisible zero-width space and byte-order mark that pasted text carries),
// with full-width digits and letters (U+FF10–FF19, U+FF21–FF3A, U+FF41–FF5A)
// turned into ASCII, and with ASCII letters in upper case.
//
// Nothing inside the code is removed: a space or hyphen in the middle is left
// for Validate to report with its position. Other characters are kept as
// they are, except that bytes which are not UTF-8 become U+FFFD. Normalize is
// idempotent.
func Normalize(s string) string {
	s = strings.TrimFunc(s, isPadding)
	// Most codes arrive already clean; return them without allocating.
	clean := true
	for i := range len(s) {
		if b := s[i]; b >= utf8.RuneSelf || ('a' <= b && b <= 'z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(fold(r))
	}
	return b.String()
}

// isPadding reports whether r is blank padding around a pasted code.
func isPadding(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// fold maps a full-width digit or letter to ASCII and a lower-case ASCII
// letter to upper case; it returns any other rune unchanged. Only ASCII is
// upper-cased: unicode.ToUpper would turn the dotless ı into I and the long
// ſ into S, making letters the clerk never typed.
func fold(r rune) rune {
	switch {
	case 'a' <= r && r <= 'z':
		return r - 'a' + 'A'
	case '０' <= r && r <= '９':
		return r - '０' + '0'
	case 'Ａ' <= r && r <= 'Ｚ':
		return r - 'Ａ' + 'A'
	case 'ａ' <= r && r <= 'ｚ':
		return r - 'ａ' + 'A'
	}
	return r
}
