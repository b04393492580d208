package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The administrator enters next year's notice before a release carries it:
// the calculator and the engine use it at once; removing it brings back
// the missing-year error.
func TestCalendarOverrides(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		year2028 := map[string]any{
			"holidays":        []any{map[string]any{"name": "元旦", "days": []string{"2028-01-01", "2028-01-02", "2028-01-03"}}},
			"makeup_workdays": []string{},
			"status":          "市金融办据国务院办公厅通知录入",
		}
		calc := "/api/v1/calendar/workdays?from=2027-12-28T10:00:00%2B08:00&workdays=5"
		e.do("window-GXQ", "GET", calc, nil).want(t, http.StatusUnprocessableEntity, "calendar_year_missing")

		e.do("city", "PUT", "/api/v1/calendar/overrides/2028", year2028).want(t, http.StatusForbidden, "forbidden")
		bad := map[string]any{"holidays": []any{map[string]any{"name": "元旦", "days": []string{"2027-01-01"}}}}
		e.do("admin", "PUT", "/api/v1/calendar/overrides/2028", bad).want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("window-GXQ", "GET", calc, nil).want(t, http.StatusUnprocessableEntity, "calendar_year_missing")

		r := e.do("admin", "PUT", "/api/v1/calendar/overrides/2028", year2028).want(t, http.StatusOK)
		if o, _ := r.Body["override"].(map[string]any); o["updated_by"] != "admin" {
			t.Fatalf("override %s", r.Raw)
		}
		// 2027-12-29, 30, 31, then 2028-01-04 and 05 (1–3 off).
		if got := e.do("window-GXQ", "GET", calc, nil).want(t, http.StatusOK).str("date"); got != "2028-01-05" {
			t.Fatalf("5th working day after 2027-12-28 with the 2028 override: %s", got)
		}
		list := e.do("window-GXQ", "GET", "/api/v1/calendar/overrides", nil).want(t, http.StatusOK)
		if items, _ := list.Body["items"].([]any); len(items) != 1 {
			t.Fatalf("overrides %s", list.Raw)
		}
		// The engine computes with it too: a case received on 2027-12-28
		// now has a limit.
		body := newCase(t, "GXQ")
		delete(body, "received_at")
		payload, _ := json.Marshal(body)
		e.clock.Set(time.Date(2027, 12, 28, 10, 0, 0, 0, shanghai))
		c, err := e.engine.Open(e.ctx, engine.OpenRequest{Workflow: financing.Name, Payload: payload,
			Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}})
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2028, 1, 6, 0, 0, 0, 0, shanghai); !c.DueAt.Equal(want) {
			t.Fatalf("due_at %v, want %v", c.DueAt, want)
		}
		e.clock.Set(start)

		e.do("bank-ICBC", "DELETE", "/api/v1/calendar/overrides/2028", nil).want(t, http.StatusForbidden, "forbidden")
		e.do("admin", "DELETE", "/api/v1/calendar/overrides/2028", nil).want(t, http.StatusNoContent)
		e.do("window-GXQ", "GET", calc, nil).want(t, http.StatusUnprocessableEntity, "calendar_year_missing")
	})
}
