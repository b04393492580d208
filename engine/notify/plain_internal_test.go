package notify

import (
	"bytes"
	"strings"
	"testing"
	"text/template"

	"github.com/parkfin/parkfin/locale"
)

// plainData are the notices' data a plain template is rendered with in
// the tests: an opening, another event, empty fields, text that looks
// like markup or a template.
var plainData = []Data{
	{Number: "GXQ-2026-00001", Title: "益阳市压测企业1有限公司", State: "待签收", Event: "登记", EventCode: "open",
		Actor: "window-GXQ", At: "2026-12-03 09:00", DueAt: "2026-12-08 24:00", Link: "https://parkfin.example.cn/cases/GXQ-2026-00001"},
	{Number: "LKQ-2026-00012", Title: "A&B <公司> {{.Number}}", State: "办理中", Event: "重新登记", EventCode: "reopen",
		Actor: "系统", DueAt: "", Link: "/cases/LKQ-2026-00012", Copy: true, Payload: map[string]any{"reason": "原因。"}},
	{},
}

// A plain template renders exactly as text/template executes it, for
// every text of the catalogue that is plain, in every language, and the
// catalogue's opening notice is plain.
func TestPlainTemplatesRenderAsTextTemplate(t *testing.T) {
	plain := map[string]bool{}
	for _, lang := range locale.Langs {
		for _, key := range locale.Keys(lang, "notify.") {
			src := locale.T(lang, key)
			tp, err := template.New(key).Funcs(funcs).Option("missingkey=zero").Parse(src)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, key, err)
			}
			parts, ok := plainOf(tp)
			if !ok {
				continue
			}
			plain[lang+" "+key] = true
			for _, d := range plainData {
				comparePlain(t, lang+" "+key, tp, parts, d)
			}
		}
	}
	for _, key := range []string{"notify.financing.routed.subject", "notify.financing.routed.body", "notify.default.body"} {
		for _, lang := range locale.Langs {
			if !plain[lang+" "+key] {
				t.Errorf("%s %s is not rendered as plain", lang, key)
			}
		}
	}
	if len(plain) < 20 {
		t.Fatalf("only %d of the catalogue's texts are plain", len(plain))
	}
}

// Templates that are plain render as text/template does; any other is
// left to text/template.
func TestPlainTemplatesOnlyWhatTheyCover(t *testing.T) {
	plain := []string{
		"",
		"纯文本，没有字段。",
		"{{.Number}}{{.Title}}{{.State}}{{.Event}}{{.EventCode}}{{.Actor}}{{.At}}{{.DueAt}}{{.Link}}",
		"  {{- .Number -}}  （{{.Title}}）  ",
		`{{if eq .EventCode "open"}}新{{else if eq .State "办理中"}}办{{else}}{{.Event}}{{end}}：{{.Number}}`,
		`{{if eq .DueAt ""}}无期限{{end}}`,
		"{{/* 注释 */}}{{.Number}}",
	}
	for _, src := range plain {
		tp := template.Must(template.New("t").Funcs(funcs).Option("missingkey=zero").Parse(src))
		parts, ok := plainOf(tp)
		if !ok {
			t.Errorf("%q is not plain", src)
			continue
		}
		for _, d := range plainData {
			comparePlain(t, src, tp, parts, d)
		}
	}
	notPlain := []string{
		`{{.Copy}}`,
		`{{index .Payload "reason"}}`,
		`{{clause (index .Payload "reason")}}`,
		`{{with .DueAt}}截止 {{.}}{{end}}`,
		`{{range $k, $v := .Payload}}{{$k}}{{end}}`,
		`{{printf "%s" .Number}}`,
		`{{"字面"}}`,
		`{{$n := .Number}}{{$n}}`,
		`{{if .Copy}}抄送{{end}}`,
		`{{if eq .Number .Title}}同{{end}}`,
		`{{if ne .EventCode "open"}}改{{end}}`,
		`{{.Number | printf "%s"}}`,
		`{{define "x"}}内{{end}}{{template "x"}}`,
		`{{.Nope}}`,
	}
	for _, src := range notPlain {
		tp := template.Must(template.New("t").Funcs(funcs).Option("missingkey=zero").Parse(src))
		if _, ok := plainOf(tp); ok {
			t.Errorf("%q taken as plain", src)
		}
	}
}

func comparePlain(t *testing.T, name string, tp *template.Template, parts []plainPart, d Data) {
	t.Helper()
	var want bytes.Buffer
	if err := tp.Execute(&want, d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var got strings.Builder
	renderPlain(&got, parts, &d)
	if got.String() != want.String() {
		t.Errorf("%s with %+v:\nplain         %q\ntext/template %q", name, d, got.String(), want.String())
	}
}
