package notify

import (
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
)

// BenchmarkRenderActAndCopy: the two messages of a new case's notice, for
// the bank asked to act and the county office copied — each rendered from
// its templates, and rendered once with the copy marked by its prefix (the
// templates looked at for Copy included).
func BenchmarkRenderActAndCopy(b *testing.B) {
	tpl := NewTemplates("")
	n := &engine.Notice{ID: "n1", Kind: "routed", Workflow: "financing", Event: "open",
		CaseNumber: "GXQ-2026-00001", CaseTitle: "益阳市压测企业1有限公司", State: "routed",
		Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"},
		At:    time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)}
	link := "https://parkfin.example.cn/cases/GXQ-2026-00001"
	d := dataOf(locale.ZH, n, false, link)
	if tpl.readsCopy(locale.ZH, n) {
		b.Fatal("the catalogue's routed templates read Copy")
	}
	b.Run("each", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
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
			d.Copy = false
			subject, body, err := tpl.renderParts(locale.ZH, n, d)
			if err != nil || tpl.readsCopy(locale.ZH, n) {
				b.Fatal(err)
			}
			for _, cp := range []bool{false, true} {
				_ = tpl.message(locale.ZH, subject, body, link, cp)
			}
		}
	})
}
