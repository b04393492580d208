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
