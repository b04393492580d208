package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A park visit through the one cases API: the bank finds its half-year
// with ?workflow=visits, records a visit with typed lists, reads it back
// in the case's data; the window turns the problem into a financing case,
// and the same request sent again is refused with 409: stale, or, on the
// case's new version, naming the case the problem already is.
func TestVisitThroughTheCasesAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.clock.Set(time.Date(2026, 10, 9, 10, 0, 0, 0, shanghai))
		if _, err := e.engine.OpenScheduled(e.ctx); err != nil {
			t.Fatal(err)
		}
		page := e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=visits", nil).want(t, http.StatusOK)
		items, _ := page.Body["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("ICBC lists %d half-years, want GXQ's: %s", len(items), page.Raw)
		}
		c := items[0].(map[string]any)
		if c["period"] != "2026H2" || c["scheduled_for"] != "GXQ" || c["due_at"] != "2027-01-01T00:00:00+08:00" || c["state"] != "pending" {
			t.Fatalf("case %v", c)
		}
		number := c["number"].(string)
		if got := e.do("city", http.MethodGet, "/api/v1/cases/counts?workflow=visits", nil).want(t, http.StatusOK); got.num("total") != 10 {
			t.Fatalf("the city counts %d half-years, want 10", got.num("total"))
		}
		visit := map[string]any{"date": "2026-10-08", "leader": "张行长",
			"participants": []map[string]any{{"org": "益阳高新区金融办", "name": "李主任"}},
			"enterprises":  []map[string]any{{"name": "益阳某某科技有限公司", "uscc": "91430900MA4L000032"}},
			"problems":     []map[string]any{{"enterprise": "益阳某某科技有限公司", "text": "设备更新贷款", "amount": "800000"}}}
		bad := map[string]any{"event": "record_visit", "version": 1, "payload": map[string]any{"date": "2026-10-10", "leader": "张行长"}}
		got := e.do("bank-ICBC", http.MethodPost, "/api/v1/cases/"+number+"/events", bad).want(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(string(got.Raw), `"date"`) || !strings.Contains(string(got.Raw), "participants.0.name") {
			t.Fatalf("a visit in the future without participants: %s", got.Raw)
		}
		e.do("bank-ICBC", http.MethodPost, "/api/v1/cases/"+number+"/events", map[string]any{"event": "record_visit", "version": 1, "payload": visit}).want(t, http.StatusOK)
		one := e.do("county-GX", http.MethodGet, "/api/v1/cases/"+number, nil).want(t, http.StatusOK)
		data := one.Body["data"].(map[string]any)
		vs := data["visits"].([]any)
		p := vs[0].(map[string]any)["problems"].([]any)[0].(map[string]any)
		if data["bank"] != "ICBC" || p["no"] != float64(1) || p["amount"] != "800000.00" {
			t.Fatalf("the county reads %s", one.Raw)
		}
		e.do("county-GX", http.MethodPost, "/api/v1/cases/"+number+"/events", map[string]any{"event": "open_case", "version": 2, "payload": map[string]any{"problem": 1}}).want(t, http.StatusForbidden, "forbidden")
		req := map[string]any{"event": "open_case", "version": 2, "payload": map[string]any{"problem": 1}}
		e.do("window-GXQ", http.MethodPost, "/api/v1/cases/"+number+"/events", req).want(t, http.StatusOK)
		// The request replayed is stale; sent again on the new version it
		// is refused by the problem, which names its case.
		e.do("window-GXQ", http.MethodPost, "/api/v1/cases/"+number+"/events", req).want(t, http.StatusConflict, "version_conflict")
		req["version"] = 3
		again := e.do("window-GXQ", http.MethodPost, "/api/v1/cases/"+number+"/events", req).want(t, http.StatusConflict, "conflict")
		if !strings.Contains(string(again.Raw), "GXQ-2026-") {
			t.Fatalf("the second request: %s", again.Raw)
		}
		fin := e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=financing", nil).want(t, http.StatusOK)
		if items, _ := fin.Body["items"].([]any); len(items) != 1 {
			t.Fatalf("ICBC has %d financing cases: %s", len(items), fin.Raw)
		}
	})
}
