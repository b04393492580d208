package api_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
)

// mustReport builds the supervision side over the test engine.
func mustReport(t *testing.T, x *enginetest.Env) *report.Service {
	t.Helper()
	pg := x.Store.Dialect() == sqlstore.Postgres
	if err := report.Migrate(context.Background(), x.Store.DB(), pg); err != nil {
		t.Fatal(err)
	}
	p := report.NewProjector(x.Store.DB(), x.Store, x.Overrides.Live(), x.Clock, pg)
	return report.New(report.Config{DB: x.Store.DB(), Engine: x.Engine, Projector: p})
}

func TestReports(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		c := e.open("GXQ")
		id := c.str("id")
		e.do("bank-ICBC", "POST", "/api/v1/cases/"+id+"/events", map[string]any{"event": "accept", "version": c.num("version")}).want(t, http.StatusOK)
		e.open("LLGY")
		period := "period=" + start.Format("2006") + "Q" + string(rune('0'+(int(start.Month())+2)/3))

		t.Run("stats", func(t *testing.T) {
			r := e.do("city", "GET", "/api/v1/stats?"+period+"&by=bank", nil).want(t, http.StatusOK)
			total := r.Body["total"].(map[string]any)
			if total["received"].(float64) != 2 || total["signed"].(float64) != 1 {
				t.Errorf("total %v", total)
			}
			groups := r.Body["groups"].(map[string]any)
			if len(groups) != 2 {
				t.Errorf("groups %v", groups)
			}
			r = e.do("bank-ABC", "GET", "/api/v1/stats?"+period, nil).want(t, http.StatusOK)
			if r.Body["total"].(map[string]any)["received"].(float64) != 1 {
				t.Errorf("bank ABC sees %v", r.Body["total"])
			}
			e.do("bank-ABC", "GET", "/api/v1/stats?"+period+"&bank=ICBC", nil).want(t, http.StatusForbidden, "forbidden")
			e.do("city", "GET", "/api/v1/stats?period=2026Q5", nil).want(t, http.StatusUnprocessableEntity)
			r = e.do("county-GX", "GET", "/api/v1/stats/cases?"+period+"&figure=received", nil).want(t, http.StatusOK)
			if items := r.Body["items"].([]any); len(items) != 1 {
				t.Errorf("county GX drill-down %v", items)
			}
		})

		t.Run("ranking", func(t *testing.T) {
			q := strings.TrimPrefix(period, "period=")
			r := e.do("city", "GET", "/api/v1/rankings/"+q, nil).want(t, http.StatusOK)
			if r.num("version") != 0 || len(r.Body["rows"].([]any)) < 10 {
				t.Errorf("ranking %s", r.Raw)
			}
			e.do("bank-ICBC", "POST", "/api/v1/rankings/"+q+"/versions", map[string]any{"note": "x"}).want(t, http.StatusForbidden)
			p := e.do("city", "POST", "/api/v1/rankings/"+q+"/versions", map[string]any{"note": "第一次发布"}).want(t, http.StatusCreated)
			if p.num("version") != 1 {
				t.Errorf("published %s", p.Raw)
			}
			e.do("city", "POST", "/api/v1/rankings/"+q+"/versions", map[string]any{"note": "更正"}).want(t, http.StatusCreated)
			r = e.do("bank-ICBC", "GET", "/api/v1/rankings/"+q+"?version=1", nil).want(t, http.StatusOK)
			rows := r.Body["rows"].([]any)
			if r.num("version") != 1 || len(rows) != 1 || rows[0].(map[string]any)["bank"] != "ICBC" {
				t.Errorf("bank's view %s", r.Raw)
			}
			e.do("city", "GET", "/api/v1/rankings/"+q+"?version=9", nil).want(t, http.StatusNotFound)
			x := e.do("city", "GET", "/api/v1/exports/rankings/"+q, nil).want(t, http.StatusOK)
			wb, err := excelize.OpenReader(bytes.NewReader(x.Raw))
			if err != nil {
				t.Fatal(err)
			}
			sheet, _ := wb.GetRows("季度排名")
			if len(sheet) < 12 || !strings.Contains(sheet[0][0], "第 2 版") || sheet[1][0] != "名次" {
				t.Errorf("ranking workbook %v", sheet)
			}
		})

		t.Run("export", func(t *testing.T) {
			r := e.do("city", "GET", "/api/v1/exports/ledger?"+period+"&format=xlsx", nil).want(t, http.StatusOK)
			f, err := excelize.OpenReader(bytes.NewReader(r.Raw))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("解决台账")
			if len(rows) != 5 || rows[1][0] != "序号" {
				t.Errorf("workbook rows %v", rows)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
				t.Errorf("Content-Disposition %q", cd)
			}
			r = e.do("window-GXQ", "GET", "/api/v1/exports/ledger?"+period+"&format=csv", nil).want(t, http.StatusOK)
			if !bytes.HasPrefix(r.Raw, []byte("\xef\xbb\xbf序号")) || bytes.Count(r.Raw, []byte("\r\n")) != 3 {
				t.Errorf("window's CSV %q", r.Raw)
			}
			e.do("city", "GET", "/api/v1/exports/ledger?"+period+"&format=pdf", nil).want(t, http.StatusUnprocessableEntity)
		})
	})
}
