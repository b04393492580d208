package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
)

// mustReport builds the supervision side over the test engine.
func mustReport(t testing.TB, x *enginetest.Env) *report.Service {
	t.Helper()
	pg := x.Store.Dialect() == sqlstore.Postgres
	if err := report.Migrate(context.Background(), x.Store.DB(), pg); err != nil {
		t.Fatal(err)
	}
	p := report.NewProjector(x.Store.DB(), x.Store, x.Overrides.Live(), x.Clock, pg)
	return report.New(report.Config{DB: x.Store.DB(), Engine: x.Engine, Projector: p})
}

func TestStatsAndRankingPages(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 0)
			city := e.MustSignIn("city")
			status, body := city.get("/stats?period=2026Q1&by=park")
			if status != http.StatusOK || !strings.Contains(body, "咨询答复率") || !strings.Contains(body, `id="stats-chart"`) ||
				!strings.Contains(body, "/stats/export?period=2026Q1&amp;kind=ledger&amp;format=xlsx") {
				t.Fatalf("stats page %d:\n%s", status, body)
			}
			status, body = city.get("/stats/export?period=2026Q1&kind=ledger&format=csv")
			if status != http.StatusOK || !strings.HasPrefix(body, "\ufeff序号") {
				t.Errorf("ledger download %d %q", status, body)
			}
			status, body = city.get("/ranking?quarter=2026Q1")
			if status != http.StatusOK || !strings.Contains(body, "工商银行益阳分行") || !strings.Contains(body, `id="ranking-chart"`) {
				t.Fatalf("ranking page %d:\n%s", status, body)
			}
			if status, _ = city.get("/ranking/export?quarter=2026Q1"); status != http.StatusOK {
				t.Errorf("ranking download %d", status)
			}
			bank := e.MustSignIn("bank-ABC")
			status, body = bank.get("/ranking?quarter=2026Q1")
			if status != http.StatusOK || strings.Contains(body, "工商银行益阳分行") || !strings.Contains(body, "农业银行益阳分行") {
				t.Errorf("a bank sees others' rows: %d", status)
			}
			county := e.MustSignIn("county-GX")
			if status, _ = county.get("/ranking?quarter=2026Q1"); status == http.StatusOK {
				t.Errorf("a county office sees the banks' ranking")
			}
		})
	}
}
