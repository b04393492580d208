package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
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

func TestFilingsPage(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], 0)
	bank := e.MustSignIn("bank-ICBC")
	status, body, to := bank.post("/filings", url.Values{"year": {"2026"}, "park": {"GXQ"}, "loan_increment": {"1200.5"},
		"growth_rate": {"12.5"}, "borrowers": {"30"}}, true)
	if status != http.StatusSeeOther || !strings.Contains(to, "done=1") {
		t.Fatalf("filing %d %s\n%s", status, to, body)
	}
	status, body = bank.get("/filings?year=2026")
	if status != http.StatusOK || !strings.Contains(body, "1200.50") || !strings.Contains(body, "益阳高新区") {
		t.Fatalf("filings page %d\n%s", status, body)
	}
	status, body, _ = bank.post("/filings", url.Values{"year": {"2026"}, "park": {"GXQ"}, "loan_increment": {"x"},
		"growth_rate": {"-300"}, "borrowers": {"3"}}, true)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "增速应为不低于 -100 的百分数") || !strings.Contains(body, `value="-300"`) {
		t.Fatalf("bad filing %d\n%s", status, body)
	}

	// The CSV upload: a bad row refuses the file and names the row.
	city := e.MustSignIn("city")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("_csrf", city.csrf)
	_ = mw.WriteField("year", "2026")
	fw, _ := mw.CreateFormFile("file", "filings.csv")
	_, _ = fw.Write([]byte("年度,银行,园区,贷款增量（万元）,增速（%）,户数\n2026,ABC,LLGY,10,1,2\n2026,NOPE,LLGY,10,1,2\n"))
	mw.Close()
	res, err := city.http.Post(e.srv.URL+"/filings/import", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "第 3 行") {
		t.Fatalf("bad upload %d\n%s", res.StatusCode, raw)
	}
}
