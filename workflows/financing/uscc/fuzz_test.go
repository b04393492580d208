package uscc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// FuzzValidate checks that Validate never panics, that what it accepts is a
// fixed point of 18 characters carrying the right check character, and that
// what it rejects comes with the code and two messages naming the position.
// Its seeds are in testdata/fuzz/FuzzValidate.
func FuzzValidate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n := uscc.Normalize(s)
		if again := uscc.Normalize(n); again != n {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, n, again)
		}
		got, err := uscc.Validate(s)
		if err == nil {
			if len(got) != uscc.Length {
				t.Fatalf("Validate(%q) = %q, length %d", s, got, len(got))
			}
			if got != n {
				t.Fatalf("Validate(%q) = %q, Normalize gives %q", s, got, n)
			}
			if again, err := uscc.Validate(got); err != nil || again != got {
				t.Fatalf("Validate(%q) = %q, %v; want %q back", got, again, err, got)
			}
			c, err := uscc.CheckChar(got[:uscc.Length-1])
			if err != nil || c != rune(got[uscc.Length-1]) {
				t.Fatalf("CheckChar(%q) = %q, %v; code ends in %q", got[:uscc.Length-1], c, err, got[uscc.Length-1])
			}
			return
		}
		if got != "" {
			t.Fatalf("Validate(%q) returned %q with error %v", s, got, err)
		}
		var e *uscc.Error
		if !errors.As(err, &e) {
			t.Fatalf("Validate(%q) error %T", s, err)
		}
		if e.ErrorCode() != "invalid_uscc" {
			t.Fatalf("ErrorCode = %q", e.ErrorCode())
		}
		zh, en := e.LocalizedMessage("zh"), e.LocalizedMessage("en")
		if zh == "" || en == "" {
			t.Fatalf("Validate(%q): empty message zh %q en %q", s, zh, en)
		}
		if e.Position > 0 && !strings.Contains(zh, fmt.Sprintf("第%d位", e.Position)) {
			t.Fatalf("zh message %q does not name position %d", zh, e.Position)
		}
	})
}
