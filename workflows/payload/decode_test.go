package payload_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/payload"
)

type inner struct {
	Name string `json:"name"`
	Code string `json:"code"`
}

type base struct {
	Kind string `json:"kind" form:"choice,required,choices=a|b"`
}

type input struct {
	base
	Inner  inner  `json:"inner"`
	Count  int    `json:"count" form:"int,min=1,max=5"`
	Amount string `json:"amount,omitempty" form:"amount"`
	Text   string `json:"text" form:"textarea"`
}

// fields returns the fields named by a validation error, in order.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if engine.ErrorCode(err) != engine.EINVALID {
		t.Fatalf("error %v is not validation_failed", err)
	}
	var out []string
	for _, f := range payload.Errors(err) {
		if f.Message == "" || f.MessageZH == "" {
			t.Errorf("field error %+v lacks a message", f)
		}
		out = append(out, f.Field+":"+f.Code)
	}
	return out
}

func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  string
		want []string // field:code, sorted by field
	}{
		{"OK", `{"kind":"a","inner":{"name":"x"},"count":2}`, nil},
		{"Empty", ``, nil},
		{"Null", `null`, nil},
		// Every problem at once, not one round at a time.
		{"AllAtOnce", `{"kind":1,"inner":{"nmae":"x","code":2},"count":"two","extra":true}`,
			[]string{"count:type", "extra:unknown", "inner.code:type", "inner.nmae:unknown", "kind:type"}},
		// GBK bytes for 工商 are not UTF-8: refused, not stored as U+FFFD.
		{"GBK", "{\"text\":\"\xb9\xa4\xc9\xcc\"}", []string{"text:encoding"}},
		{"LoneHighSurrogate", `{"text":"a\ud800b"}`, []string{"text:encoding"}},
		{"LoneLowSurrogate", `{"text":"\udc00"}`, []string{"text:encoding"}},
		{"EscapedBackslashIsNotASurrogate", `{"text":"\\ud800"}`, nil},
		{"PairedSurrogatesAreFine", `{"text":"\ud83d\ude00"}`, nil},
		{"NotAnObject", `[1,2]`, []string{"payload:type"}},
		{"Malformed", `{"text":`, []string{"payload:malformed"}},
		{"NestedNotAnObject", `{"inner":"x"}`, []string{"inner:type"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in input
			err := payload.Decode([]byte(tc.raw), &in)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			got := fields(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("fields %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("fields %v, want %v", got, tc.want)
				}
			}
		})
	}
	t.Run("Values", func(t *testing.T) {
		var in input
		if err := payload.Decode([]byte(`{"kind":"b","inner":{"name":"工商"},"count":3,"text":"\ud83d\ude00"}`), &in); err != nil {
			t.Fatal(err)
		}
		if in.Kind != "b" || in.Inner.Name != "工商" || in.Count != 3 || in.Text != "😀" {
			t.Fatalf("decoded %+v", in)
		}
	})
}

func TestFields(t *testing.T) {
	got := payload.Fields(input{})
	want := []payload.Field{
		{Name: "kind", Kind: payload.KindChoice, Required: true, Choices: []string{"a", "b"}},
		{Name: "inner.name", Kind: payload.KindText},
		{Name: "inner.code", Kind: payload.KindText},
		{Name: "count", Kind: payload.KindInt, Min: 1, Max: 5},
		{Name: "amount", Kind: payload.KindAmount},
		{Name: "text", Kind: payload.KindTextarea},
	}
	if len(got) != len(want) {
		t.Fatalf("fields %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Kind != w.Kind || g.Required != w.Required || g.Min != w.Min || g.Max != w.Max || len(g.Choices) != len(w.Choices) {
			t.Errorf("field %d: %+v, want %+v", i, g, w)
		}
	}
	if payload.Fields(nil) != nil {
		t.Error("nil input has fields")
	}
}

func TestChecker(t *testing.T) {
	var c payload.Checker
	text, amount, choice := " \u3000", "1.005", "maybe"
	c.Text("text", "说明", &text, true, 10)
	c.Amount("amount", "金额", &amount)
	c.OneOf("choice", "选项", &choice, payload.Choices("a", "甲", "b", "乙")...)
	c.IntRange("count", "天数", 9, 1, 5)
	got := fields(t, c.Err())
	want := []string{"text:required", "amount:precision", "choice:one_of", "count:range"}
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("fields %v, want %v", got, want)
		}
	}
	if msg := payload.Errors(c.Err())[2].MessageZH; msg != "选项只能是：甲（a）、乙（b）。" {
		t.Fatalf("choice message %q", msg)
	}
	var ok payload.Checker
	amount = "1500000.5"
	ok.Amount("amount", "金额", &amount)
	if ok.Err() != nil || amount != "1500000.50" {
		t.Fatalf("amount %q (%v)", amount, ok.Err())
	}
}

// BenchmarkDecode: a case creation's body, as the API decodes it.
func BenchmarkDecode(b *testing.B) {
	type enterprise struct {
		Name string `json:"name"`
		USCC string `json:"uscc"`
	}
	type input struct {
		Park       string     `json:"park"`
		Enterprise enterprise `json:"enterprise"`
		Need       string     `json:"need"`
		Amount     string     `json:"amount,omitempty"`
		Contact    string     `json:"contact,omitempty"`
	}
	body := []byte(`{"park":"GXQ","enterprise":{"name":"益阳市压测企业1有限公司","uscc":"91350100M000100Y43"},"need":"流动资金贷款，了解抵押条件和办理流程。","amount":"3000000"}`)
	b.ReportAllocs()
	for b.Loop() {
		var in input
		if err := payload.Decode(body, &in); err != nil || in.Enterprise.USCC == "" {
			b.Fatal(in, err)
		}
	}
}

// shout is a text type that reads itself, in capitals.
type shout string

func (s *shout) UnmarshalText(b []byte) error {
	*s = shout(strings.ToUpper(string(b)))
	return nil
}

// Texts are read as encoding/json reads them, with or without escapes,
// named text types included, and a type with its own reading method reads
// itself.
func TestDecodeTexts(t *testing.T) {
	type kind string
	type input struct {
		Plain   string `json:"plain"`
		Escaped string `json:"escaped"`
		Kind    kind   `json:"kind"`
		Shout   shout  `json:"shout"`
		Empty   string `json:"empty"`
	}
	body := []byte(`{"plain":"流动资金贷款","escaped":"a\"b\\c\u00e9\n","kind":"answer","shout":"loud","empty":""}`)
	var got input
	if err := payload.Decode(body, &got); err != nil {
		t.Fatal(err)
	}
	var want input
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatal(err)
	}
	if got != want || got.Shout != "LOUD" || got.Escaped != "a\"b\\cé\n" {
		t.Fatalf("decoded %+v, encoding/json %+v", got, want)
	}
}
