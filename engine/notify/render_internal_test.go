package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
)

// BenchmarkRenderActAndCopy: the two messages of a new case's notice, for
// the bank asked to act and the county office copied — each rendered from
// its templates with the notice's data read once, payload included; and
// rendered once, the copy marked by its prefix, the payload decoded only
// if a template names it (the templates looked at included).
func BenchmarkRenderActAndCopy(b *testing.B) {
	tpl := NewTemplates("")
	n := &engine.Notice{ID: "n1", Kind: "routed", Workflow: "financing", Event: "open",
		CaseNumber: "GXQ-2026-00001", CaseTitle: "益阳市压测企业1有限公司", State: "routed",
		Actor:   engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"},
		At:      time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		Payload: []byte(`{"park":"GXQ","enterprise":{"name":"益阳市压测企业1有限公司","uscc":"91350100M000100Y43"},"need":"流动资金贷款，了解抵押条件和办理流程。","amount":"3000000"}`)}
	link := "https://parkfin.example.cn/cases/GXQ-2026-00001"
	if src := tpl.source(locale.ZH, n); strings.Contains(src, "Copy") || strings.Contains(src, "Payload") {
		b.Fatal("the catalogue's routed templates read Copy or Payload")
	}
	b.Run("each", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := dataOf(locale.ZH, n, false, link)
			for _, cp := range []bool{false, true} {
				d.Copy = cp
				if _, err := tpl.renderData(locale.ZH, n, d); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("once", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			src := tpl.source(locale.ZH, n)
			d := dataWith(locale.ZH, n, false, link, strings.Contains(src, "Payload"))
			subject, body, err := tpl.renderParts(locale.ZH, n, d)
			if err != nil || strings.Contains(src, "Copy") {
				b.Fatal(err)
			}
			for _, cp := range []bool{false, true} {
				_ = tpl.message(locale.ZH, subject, body, link, cp)
			}
		}
	})
}

// What was typed into a case ends the template's sentence once, whether or
// not it was typed with its own full stop, in either language.
func TestTypedTextEndsOnce(t *testing.T) {
	tpl := NewTemplates("")
	due := time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC)
	for _, info := range []string{"已补充 2024、2025 年财务报表。", "已补充 2024、2025 年财务报表", "已补充 2024、2025 年财务报表。 "} {
		n := &engine.Notice{ID: "n1", Kind: "info_supplied", Workflow: "financing", Event: "supply_info",
			CaseNumber: "GXQ-2026-00001", CaseTitle: "益阳市示范机械制造有限公司", State: "processing", DueAt: &due,
			Actor:   engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"},
			At:      time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC),
			Payload: []byte(`{"info":"` + info + `"}`)}
		for _, lang := range []string{locale.ZH, locale.EN} {
			_, body, err := tpl.renderParts(lang, n, dataWith(lang, n, false, "", true))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(body, "2025") || strings.Contains(body, "。。") || strings.Contains(body, "。.") || strings.Contains(body, "<no value>") {
				t.Errorf("%s, %q: %q", lang, info, body)
			}
		}
	}
	if got := typedClause(nil); got != "" {
		t.Errorf("a missing value: %q", got)
	}
}
