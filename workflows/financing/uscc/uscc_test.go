package uscc_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// refAlphabet and refCheck are an independent statement of GB 32100's check
// character, written from the standard rather than from the package: the
// weight of position i is 3^(i−1) mod 31.
const refAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func refCheck(first17 string) byte {
	sum, w := 0, 1
	for i := range 17 {
		sum += strings.IndexByte(refAlphabet, first17[i]) * w
		w = w * 3 % 31
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return refAlphabet[c]
}

// MustCode returns first17 completed with its check character.
func MustCode(t testing.TB, first17 string) string {
	t.Helper()
	c, err := uscc.CheckChar(first17)
	if err != nil {
		t.Fatalf("CheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

// MustError returns the *uscc.Error that Validate(in) must fail with.
func MustError(t *testing.T, in string) *uscc.Error {
	t.Helper()
	got, err := uscc.Validate(in)
	if err == nil {
		t.Fatalf("Validate(%q) = %q, want an error", in, got)
	}
	if got != "" {
		t.Errorf("Validate(%q) returned %q with its error, want \"\"", in, got)
	}
	var e *uscc.Error
	if !errors.As(err, &e) {
		t.Fatalf("Validate(%q) error %T, want *uscc.Error", in, err)
	}
	return e
}

// randomFirst17 returns 17 characters of a plausible code: a known
// authority, any category, a six-digit division and any organisation code.
func randomFirst17(r *rand.Rand) string {
	const authorities, digits = "123456789ANY", "0123456789"
	var b strings.Builder
	b.WriteByte(authorities[r.IntN(len(authorities))])
	b.WriteByte(refAlphabet[r.IntN(len(refAlphabet))])
	for range 6 {
		b.WriteByte(digits[r.IntN(len(digits))])
	}
	for range 9 {
		b.WriteByte(refAlphabet[r.IntN(len(refAlphabet))])
	}
	return b.String()
}

func TestValidate(t *testing.T) {
	t.Run("PublicCodes", func(t *testing.T) {
		// Codes printed on real business licences. Worked by hand for the
		// first: values 9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4, weighted
		// sum 9+3+27+135+26+420+8+900+112 = 1640 = 52×31 + 28, and
		// 31 − 28 = 3.
		for _, code := range []string{
			"91350100M000100Y43",
			"91110000802100433B",
			"914403001922038216",
			"91440300708461136T",
			"91330100799655058B",
		} {
			if c := refCheck(code[:17]); c != code[17] {
				t.Fatalf("test data: %s has check %c by the reference", code, c)
			}
			got, err := uscc.Validate(code)
			if err != nil || got != code {
				t.Errorf("Validate(%q) = %q, %v; want it back", code, got, err)
			}
		}
	})
	t.Run("Generated", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		for range 2000 {
			code := MustCode(t, randomFirst17(r))
			if want := refCheck(code[:17]); code[17] != want {
				t.Fatalf("CheckChar(%q) = %c, reference says %c", code[:17], code[17], want)
			}
			if got, err := uscc.Validate(code); err != nil || got != code {
				t.Fatalf("Validate(%q) = %q, %v; want it back", code, got, err)
			}
		}
	})
	t.Run("EveryAuthority", func(t *testing.T) {
		for _, a := range "123456789ANY" {
			code := MustCode(t, string(a)+"1350100M000100Y4")
			if _, err := uscc.Validate(code); err != nil {
				t.Errorf("Validate(%q): %v", code, err)
			}
		}
	})
	t.Run("AnyCategory", func(t *testing.T) {
		for _, c := range refAlphabet {
			code := MustCode(t, "9"+string(c)+"350100M000100Y4")
			if _, err := uscc.Validate(code); err != nil {
				t.Errorf("Validate(%q): %v", code, err)
			}
		}
	})
	t.Run("CheckZero", func(t *testing.T) {
		// Σ mod 31 = 0 gives 31, which is written 0. Find such a code.
		r := rand.New(rand.NewPCG(3, 4))
		for range 100000 {
			first17 := randomFirst17(r)
			if refCheck(first17) != '0' {
				continue
			}
			if got := MustCode(t, first17); got[17] != '0' {
				t.Fatalf("CheckChar(%q) = %c, want 0", first17, got[17])
			}
			return
		}
		t.Fatal("no code with check character 0 found")
	})
	t.Run("FullWidth", func(t *testing.T) {
		in := "\u3000９１３５０１００Ｍ０００１００Ｙ４３\u3000"
		if got, err := uscc.Validate(in); err != nil || got != "91350100M000100Y43" {
			t.Errorf("Validate(%q) = %q, %v", in, got, err)
		}
	})
	t.Run("LowerCase", func(t *testing.T) {
		for _, in := range []string{"91350100m000100y43", "91350100ｍ000100ｙ43", " 91110000802100433b\n"} {
			if _, err := uscc.Validate(in); err != nil {
				t.Errorf("Validate(%q): %v", in, err)
			}
		}
	})
}

func TestValidateReasons(t *testing.T) {
	for _, tt := range []struct {
		name     string
		in       string
		reason   uscc.Reason
		position int
		char     rune
		expected rune
	}{
		{name: "Empty", in: "", reason: uscc.ReasonEmpty},
		{name: "OnlySpaces", in: " \u3000\t\u200b", reason: uscc.ReasonEmpty},
		{name: "TooShort", in: "91350100M000100Y4", reason: uscc.ReasonLength},
		{name: "TooLong", in: "91350100M000100Y433", reason: uscc.ReasonLength},
		{name: "LetterO", in: "91350100O000100Y43", reason: uscc.ReasonCharacter, position: 9, char: 'O'},
		{name: "LowerLetterI", in: "9135010iM000100Y43", reason: uscc.ReasonCharacter, position: 8, char: 'I'},
		{name: "LetterOAfterPadding", in: "\u3000 91350100O000100Y43", reason: uscc.ReasonCharacter, position: 9, char: 'O'},
		{name: "InnerSpace", in: "9135 0100M000100Y43", reason: uscc.ReasonCharacter, position: 5, char: ' '},
		{name: "Hyphen", in: "91350100-M000100Y4", reason: uscc.ReasonCharacter, position: 9, char: '-'},
		{name: "Chinese", in: "统一社会信用代码", reason: uscc.ReasonCharacter, position: 1, char: '统'},
		{name: "ZeroWidthInside", in: "913501\u200b00M000100Y43", reason: uscc.ReasonCharacter, position: 7, char: '\u200b'},
		{name: "InvalidUTF8", in: "91350100\xffM000100Y4", reason: uscc.ReasonCharacter, position: 9, char: '\uFFFD'},
		{name: "Authority0", in: MustCode(t, "01350100M000100Y4"), reason: uscc.ReasonRegistrationAuthority, position: 1, char: '0'},
		{name: "AuthorityB", in: MustCode(t, "B1350100M000100Y4"), reason: uscc.ReasonRegistrationAuthority, position: 1, char: 'B'},
		{name: "DivisionLetter", in: MustCode(t, "9135A100M000100Y4"), reason: uscc.ReasonDivision, position: 5, char: 'A'},
		{name: "DivisionLast", in: MustCode(t, "9135010XM000100Y4"), reason: uscc.ReasonDivision, position: 8, char: 'X'},
		{name: "Check", in: "91350100M000100Y44", reason: uscc.ReasonCheck, position: 18, char: '4', expected: '3'},
		{name: "CheckAfterTypo", in: "91350100M000100Y33", reason: uscc.ReasonCheck, position: 18, char: '3', expected: rune(refCheck("91350100M000100Y3"))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := MustError(t, tt.in)
			if e.Reason != tt.reason || e.Position != tt.position || e.Char != tt.char || e.Expected != tt.expected {
				t.Errorf("Validate(%q) = {%v pos %d char %q expected %q}, want {%v pos %d char %q expected %q}",
					tt.in, e.Reason, e.Position, e.Char, e.Expected, tt.reason, tt.position, tt.char, tt.expected)
			}
			if e.Got != uscc.Normalize(tt.in) {
				t.Errorf("Got = %q, want the normalised input %q", e.Got, uscc.Normalize(tt.in))
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"91350100M000100Y43", "91350100M000100Y43"},
		{"  91350100m000100y43\t\n", "91350100M000100Y43"},
		{"\ufeff\u200b\u00a091350100M000100Y43\u3000", "91350100M000100Y43"},
		{"９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"},
		{"ａｂｃｘｙｚ０９", "ABCXYZ09"},
		{"9135 0100", "9135 0100"},
		{"ı ſ ß", "ı ſ ß"},
		{"\xff", "\uFFFD"},
		{"", ""},
	} {
		got := uscc.Normalize(tt.in)
		if got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := uscc.Normalize(got); again != got {
			t.Errorf("Normalize(%q) = %q, not idempotent", got, again)
		}
	}
}

func TestCheckChar(t *testing.T) {
	if c, err := uscc.CheckChar("91350100M000100Y4"); err != nil || c != '3' {
		t.Errorf("CheckChar = %q, %v; want '3'", c, err)
	}
	for _, in := range []string{"", "91350100M000100Y", "91350100M000100Y43", "91350100O000100Y4", "91350100m000100Y4", "９1350100M000100Y4"} {
		if c, err := uscc.CheckChar(in); err == nil {
			t.Errorf("CheckChar(%q) = %q, want an error", in, c)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	for _, bb := range []struct{ name, in string }{
		{"Clean", "91350100M000100Y43"},
		{"FullWidth", "\u3000９１３５０１００Ｍ０００１００Ｙ４３"},
		{"WrongCheck", "91350100M000100Y44"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = uscc.Validate(bb.in)
			}
		})
	}
}
