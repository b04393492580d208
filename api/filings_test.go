package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestFilingsAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		one := func(bank, park, amount string) map[string]any {
			return map[string]any{"year": 2026, "bank": bank, "park": park, "loan_increment": amount, "growth_rate": "12.5", "borrowers": 7}
		}

		// A bank files its own figures, never another bank's.
		r := e.do("bank-ICBC", "POST", "/api/v1/filings", map[string]any{"filings": []any{one("ICBC", "GXQ", "1200000.50")}}).want(t, http.StatusOK)
		if r.num("recorded") != 1 {
			t.Errorf("recorded %s", r.Raw)
		}
		e.do("bank-ICBC", "POST", "/api/v1/filings", map[string]any{"filings": []any{one("ABC", "GXQ", "1")}}).want(t, http.StatusForbidden, "forbidden")
		// All or none, every problem named by row.
		bad := e.do("city", "POST", "/api/v1/filings", map[string]any{"filings": []any{one("ABC", "LLGY", "5"), one("ABC", "NOPARK", "x")}}).
			want(t, http.StatusUnprocessableEntity)
		if !strings.Contains(string(bad.Raw), "row 2: park") || !strings.Contains(string(bad.Raw), "row 2: loan_increment") {
			t.Errorf("problems %s", bad.Raw)
		}
		e.do("city", "POST", "/api/v1/filings", map[string]any{"filings": []any{}}).want(t, http.StatusUnprocessableEntity)

		// The city imports a CSV file: amounts in 万元.
		csv := "\ufeff年度,银行,园区,贷款增量（万元）,增速（%）,户数\n2026,ABC,LLGY,300.5,8,4\n2026,BOC,CCJK,-20,-3.5,2\n"
		r = e.do("city", "POST", "/api/v1/filings/import", map[string]any{"csv": csv}).want(t, http.StatusOK)
		if r.num("recorded") != 2 {
			t.Errorf("imported %s", r.Raw)
		}
		e.do("bank-ABC", "POST", "/api/v1/filings/import", map[string]any{"csv": "年度,银行\n"}).want(t, http.StatusUnprocessableEntity)

		// Banks read their own, the city all.
		r = e.do("city", "GET", "/api/v1/filings?year=2026", nil).want(t, http.StatusOK)
		if items := r.Body["items"].([]any); len(items) != 3 {
			t.Errorf("city sees %s", r.Raw)
		}
		r = e.do("bank-ABC", "GET", "/api/v1/filings?year=2026", nil).want(t, http.StatusOK)
		items := r.Body["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["loan_increment"] != "3005000" || items[0].(map[string]any)["bank"] != "ABC" {
			t.Errorf("bank ABC sees %s", r.Raw)
		}
		e.do("city", "GET", "/api/v1/filings", nil).want(t, http.StatusUnprocessableEntity)

		// The year's assessment: a bank its own row.
		r = e.do("city", "GET", "/api/v1/filings/assessment?year=2026", nil).want(t, http.StatusOK)
		if rows := r.Body["rows"].([]any); len(rows) < 10 {
			t.Errorf("assessment rows %s", r.Raw)
		}
		r = e.do("bank-ICBC", "GET", "/api/v1/filings/assessment?year=2026", nil).want(t, http.StatusOK)
		rows := r.Body["rows"].([]any)
		if len(rows) != 1 || rows[0].(map[string]any)["bank"] != "ICBC" || rows[0].(map[string]any)["loan_increment"] != "1200000.50" {
			t.Errorf("ICBC's assessment %s", r.Raw)
		}
	})
}

func TestEvaluationsAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		// The assessment is the offices'; the measures the bank's own.
		e.do("bank-ICBC", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ICBC", "assessment": "好"}).want(t, http.StatusForbidden, "forbidden")
		e.do("bank-ABC", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ICBC", "measures": "整改"}).want(t, http.StatusForbidden, "forbidden")
		r := e.do("city", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ICBC", "assessment": "签收及时，答复率偏低。"}).want(t, http.StatusOK)
		if r.str("assessment") != "签收及时，答复率偏低。" || r.Body["figures"] == nil {
			t.Errorf("evaluation %s", r.Raw)
		}
		r = e.do("bank-ICBC", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ICBC", "measures": "专人跟进每笔需求。"}).want(t, http.StatusOK)
		if r.str("measures") != "专人跟进每笔需求。" || r.str("assessment") != "签收及时，答复率偏低。" {
			t.Errorf("measures kept the assessment? %s", r.Raw)
		}
		e.do("city", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ABC", "assessment": "良好"}).want(t, http.StatusOK)
		e.do("city", "POST", "/api/v1/evaluations", map[string]any{"half": "2026Q1", "bank": "ABC", "assessment": "x"}).want(t, http.StatusUnprocessableEntity)
		e.do("city", "POST", "/api/v1/evaluations", map[string]any{"half": "2026H1", "bank": "ABC"}).want(t, http.StatusUnprocessableEntity)

		r = e.do("city", "GET", "/api/v1/evaluations?half=2026H1", nil).want(t, http.StatusOK)
		if items := r.Body["items"].([]any); len(items) != 2 {
			t.Errorf("city sees %s", r.Raw)
		}
		r = e.do("bank-ICBC", "GET", "/api/v1/evaluations?half=2026H1", nil).want(t, http.StatusOK)
		items := r.Body["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["bank"] != "ICBC" || items[0].(map[string]any)["measures"] != "专人跟进每笔需求。" {
			t.Errorf("ICBC sees %s", r.Raw)
		}
		e.do("county-GX", "GET", "/api/v1/evaluations?half=2026H1", nil).want(t, http.StatusForbidden, "forbidden")
		e.do("city", "GET", "/api/v1/evaluations?half=2026", nil).want(t, http.StatusUnprocessableEntity)
	})
}
