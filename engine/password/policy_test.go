package password_test

import (
	"testing"

	"github.com/parkfin/parkfin/engine/password"
)

func TestCheckPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw, user, code string
	}{
		{"Ab1-", "x", "too_short"},
		{"abcdefghij", "x", "too_simple"},
		{"abcdefghi1", "x", "too_simple"},
		{"abcdefgh1X", "x", ""},
		{"园区窗口abcd12", "x", ""}, // Chinese characters are a kind of their own
		{"Window-GXQ-2026", "window-gxq", "contains_name"},
		{"Pa55word-for-me", "window-GXQ", ""},
	} {
		err := password.CheckPolicy(tc.pw, tc.user)
		got := ""
		if pe, ok := err.(*password.PolicyError); ok {
			got = pe.Code
			if pe.MessageZH == "" || pe.Message == "" {
				t.Errorf("%q: no message", tc.pw)
			}
		} else if err != nil {
			t.Fatalf("%q: %v", tc.pw, err)
		}
		if got != tc.code {
			t.Errorf("CheckPolicy(%q, %q) = %q, want %q", tc.pw, tc.user, got, tc.code)
		}
	}
}
