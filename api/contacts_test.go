package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func contactSet(liaison string) map[string]any {
	return map[string]any{
		"first":      map[string]any{"name": "陈主任", "position": "管委会主任", "phone": "0737-2221001"},
		"second":     map[string]any{"name": "林副主任", "position": "管委会副主任", "phone": "0737-2221002"},
		"department": map[string]any{"name": "企业融资服务窗口", "phone": "0737-2221000"},
		"liaison":    map[string]any{"name": liaison, "position": "窗口专员", "phone": "13807372000", "email": "window@gxq.example.cn"},
	}
}

// A park's contacts register through the cases API: opened with
// POST /api/v1/workflows/contacts/cases and the register's input as the body,
// listed with ?workflow=contacts, refused with
// every field error at once, once per park, listed and read by the
// offices, changed through the events API; a change filed 20 days after
// it took effect is late in the data and the ledger. Every answer is
// checked against the contract.
func TestContactsThroughTheCasesAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.clock.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, shanghai))
		bad := contactSet("")
		bad["liaison"].(map[string]any)["phone"] = "12345"
		got := e.do("window-GXQ", http.MethodPost, "/api/v1/workflows/contacts/cases", bad).want(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(string(got.Raw), "liaison.name") || !strings.Contains(string(got.Raw), "liaison.phone") {
			t.Fatalf("field errors %s", got.Raw)
		}
		e.do("window-GXQ", http.MethodPost, "/api/v1/workflows/submission/cases", contactSet("何窗口")).want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("city", http.MethodPost, "/api/v1/workflows/contacts/cases", contactSet("何窗口")).want(t, http.StatusForbidden, "forbidden")
		created := e.do("window-GXQ", http.MethodPost, "/api/v1/workflows/contacts/cases", contactSet("何窗口")).want(t, http.StatusCreated)
		number := created.str("number")
		if created.str("workflow") != "contacts" || created.str("state") != "registered" || !strings.HasPrefix(number, "LX-2026-") {
			t.Fatalf("created %s", created.Raw)
		}
		e.do("window-GXQ", http.MethodPost, "/api/v1/workflows/contacts/cases", contactSet("何窗口")).want(t, http.StatusConflict, "conflict")

		page := e.do("county-GX", http.MethodGet, "/api/v1/cases?workflow=contacts", nil).want(t, http.StatusOK)
		if items, _ := page.Body["items"].([]any); len(items) != 1 {
			t.Fatalf("the county lists %s", page.Raw)
		}
		page = e.do("window-AHJK", http.MethodGet, "/api/v1/cases?workflow=contacts", nil).want(t, http.StatusOK)
		if items, _ := page.Body["items"].([]any); len(items) != 0 {
			t.Fatalf("another park lists %s", page.Raw)
		}

		change := contactSet("郑窗口")
		change["effective"] = "2026-02-06"
		got = e.do("window-GXQ", http.MethodPost, "/api/v1/cases/"+number+"/events",
			map[string]any{"event": "file", "version": 1, "payload": change}).want(t, http.StatusOK)
		data := got.Body["data"].(map[string]any)
		filings := data["filings"].([]any)
		last := filings[len(filings)-1].(map[string]any)
		if last["late"] != true || got.Body["state"] != "registered" {
			t.Fatalf("a change filed 20 days late: %s", got.Raw)
		}
		ledger := e.do("city", http.MethodGet, "/api/v1/cases/"+number+"/ledger", nil).want(t, http.StatusOK)
		entries := ledger.Body["items"].([]any)
		p := entries[len(entries)-1].(map[string]any)["payload"].(map[string]any)
		if p["late"] != true || p["due_at"] != "2026-02-12T00:00:00+08:00" {
			t.Fatalf("the ledger records %v", p)
		}
		e.do("city", http.MethodPost, "/api/v1/cases/"+number+"/events",
			map[string]any{"event": "announce", "version": 2, "payload": map[string]any{"effective": "2026-03-10", "note": "x"}}).want(t, http.StatusForbidden, "forbidden")
	})
}
