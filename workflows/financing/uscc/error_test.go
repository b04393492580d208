package uscc_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

func TestErrorMessages(t *testing.T) {
	for _, tt := range []struct {
		name   string
		in     string
		zh, en []string // substrings each message must contain
	}{
		{name: "Empty", in: "",
			zh: []string{"请填写统一社会信用代码"}, en: []string{"Enter the unified social credit code"}},
		{name: "Length", in: "91350100M000100Y4",
			zh: []string{"统一社会信用代码应为18位，当前为17位"}, en: []string{"18 characters", "has 17"}},
		{name: "LengthFullWidth", in: "９１３５０１００Ｍ",
			zh: []string{"当前为9位"}, en: []string{"has 9"}},
		{name: "LetterO", in: "91350100O000100Y43",
			zh: []string{"统一社会信用代码第9位“O”不是有效字符（代码中不使用 I、O、Z、S、V）", "数字“0”"},
			en: []string{"Character 9", "“O”", "I, O, Z, S or V", "digit “0”"}},
		{name: "LetterV", in: "91350100V000100Y43",
			zh: []string{"第9位“V”不是有效字符"}, en: []string{"Character 9", "“V”"}},
		{name: "Space", in: "9135 0100M000100Y43",
			zh: []string{"第5位是空格"}, en: []string{"Character 5", "space"}},
		{name: "FullWidthSpace", in: "9135\u30000100M000100Y43",
			zh: []string{"第5位是全角空格"}, en: []string{"Character 5", "full-width space"}},
		{name: "Invisible", in: "913501\u200b00M000100Y43",
			zh: []string{"第7位", "U+200B"}, en: []string{"Character 7", "U+200B"}},
		{name: "Unreadable", in: "9\xff",
			zh: []string{"第2位", "无法识别"}, en: []string{"Character 2", "cannot be read"}},
		{name: "Punctuation", in: "91350100-M000100Y4",
			zh: []string{"第9位“-”不是有效字符", "数字和大写英文字母"}, en: []string{"Character 9", "“-”"}},
		{name: "Authority", in: MustCode(t, "01350100M000100Y4"),
			zh: []string{"第1位“0”不是有效的登记管理部门代码"}, en: []string{"Character 1", "“0”", "registration-authority"}},
		{name: "Division", in: MustCode(t, "9135A100M000100Y4"),
			zh: []string{"第3至8位", "第5位是“A”"}, en: []string{"Characters 3 to 8", "character 5 is “A”"}},
		{name: "Check", in: "91350100M000100Y44",
			zh: []string{"统一社会信用代码校验位错误：第18位应为“3”，实际为“4”", "营业执照"},
			en: []string{"character 18 should be “3” but is “4”", "business licence"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := MustError(t, tt.in)
			zh, en := e.LocalizedMessage("zh"), e.LocalizedMessage("en")
			for _, s := range tt.zh {
				if !strings.Contains(zh, s) {
					t.Errorf("zh message %q lacks %q", zh, s)
				}
			}
			for _, s := range tt.en {
				if !strings.Contains(en, s) {
					t.Errorf("en message %q lacks %q", en, s)
				}
			}
			if e.Position > 0 {
				if p := fmt.Sprintf("第%d位", e.Position); !strings.Contains(zh, p) {
					t.Errorf("zh message %q does not name the position (%s)", zh, p)
				}
				if p := fmt.Sprintf("haracter %d ", e.Position); !strings.Contains(en, p) {
					t.Errorf("en message %q does not name the position", en)
				}
			}
			if e.Error() != en {
				t.Errorf("Error() = %q, want the English message %q", e.Error(), en)
			}
			if other := e.LocalizedMessage("fr"); other != en {
				t.Errorf("LocalizedMessage(fr) = %q, want English", other)
			}
		})
	}
}

func TestErrorCode(t *testing.T) {
	_, err := uscc.Validate("9135")
	var coded interface{ ErrorCode() string }
	if !errors.As(err, &coded) || coded.ErrorCode() != "invalid_uscc" {
		t.Fatalf("Validate error %v has no ErrorCode invalid_uscc", err)
	}
	var localized interface{ LocalizedMessage(string) string }
	if !errors.As(fmt.Errorf("wrapped: %w", err), &localized) {
		t.Fatal("a wrapped *Error does not expose LocalizedMessage")
	}
}

func TestReasonString(t *testing.T) {
	for r, want := range map[uscc.Reason]string{
		uscc.ReasonEmpty:                 "empty",
		uscc.ReasonLength:                "length",
		uscc.ReasonCharacter:             "character",
		uscc.ReasonRegistrationAuthority: "registration_authority",
		uscc.ReasonDivision:              "division",
		uscc.ReasonCheck:                 "check",
		uscc.Reason(0):                   "Reason(0)",
	} {
		if got := r.String(); got != want {
			t.Errorf("Reason(%d).String() = %q, want %q", int(r), got, want)
		}
	}
}
