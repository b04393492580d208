package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A green-channel project through the one cases API: ICBC opens it with
// the financing case's green_channel event; the same request on the new
// version is refused with 409 in Chinese and in English, naming the
// project; the project is listed with ?workflow=greenchannel for ICBC and
// the county office, not for another bank; its steps are events with
// typed payloads, a date before the previous step's refused on its field;
// opening a project on its own is refused.
func TestGreenChannelThroughTheCasesAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		number := e.open("GXQ").str("number")
		fire := func(user, num, ev string, version int, payload map[string]any) response {
			return e.do(user, http.MethodPost, "/api/v1/cases/"+num+"/events", map[string]any{"event": ev, "version": version, "payload": payload})
		}
		fire("bank-ICBC", number, "accept", 1, map[string]any{}).want(t, http.StatusOK)
		fire("bank-ICBC", number, "answer", 2, answerYes).want(t, http.StatusOK)
		fire("window-GXQ", number, "green_channel", 3, map[string]any{}).want(t, http.StatusForbidden, "forbidden")
		// The bank's events offer the opening until its project exists.
		offered := func() bool {
			v := e.do("bank-ICBC", http.MethodGet, "/api/v1/cases/"+number, nil).want(t, http.StatusOK)
			evs, _ := v.Body["events"].([]any)
			return slices.Contains(evs, any("green_channel"))
		}
		if !offered() {
			t.Fatalf("an answered case does not offer its lead bank green_channel")
		}
		fire("bank-ICBC", number, "green_channel", 3, map[string]any{"note": "优先办理"}).want(t, http.StatusOK)
		if offered() {
			t.Errorf("the case still offers green_channel to the bank whose project exists")
		}
		again := fire("bank-ICBC", number, "green_channel", 4, map[string]any{}).want(t, http.StatusConflict, "conflict")
		if !strings.Contains(again.str("detail"), "本行已为该案件开通绿色通道（项目 LS-") {
			t.Fatalf("the second opening: %s", again.Raw)
		}
		en := e.do("bank-ICBC", http.MethodPost, "/api/v1/cases/"+number+"/events",
			map[string]any{"event": "green_channel", "version": 4, "payload": map[string]any{}}, "Accept-Language", "en").want(t, http.StatusConflict, "conflict")
		if !strings.Contains(en.str("detail"), "already opened the green channel for this case (project LS-") {
			t.Fatalf("the second opening in English: %s", en.Raw)
		}
		fc := e.do("window-GXQ", http.MethodGet, "/api/v1/cases/"+number, nil).want(t, http.StatusOK)
		projects, _ := fc.Body["data"].(map[string]any)["green_channel"].([]any)
		if len(projects) != 1 || projects[0].(map[string]any)["bank"] != "ICBC" {
			t.Fatalf("the financing case's projects: %s", fc.Raw)
		}
		project := projects[0].(map[string]any)["case"].(string)

		for _, u := range []string{"bank-ICBC", "county-GX", "window-GXQ", "city"} {
			page := e.do(u, http.MethodGet, "/api/v1/cases?workflow=greenchannel", nil).want(t, http.StatusOK)
			if items, _ := page.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["number"] != project {
				t.Fatalf("%s lists %s", u, page.Raw)
			}
		}
		page := e.do("bank-ABC", http.MethodGet, "/api/v1/cases?workflow=greenchannel", nil).want(t, http.StatusOK)
		if items, _ := page.Body["items"].([]any); len(items) != 0 {
			t.Fatalf("ABC lists %s", page.Raw)
		}
		e.do("bank-ABC", http.MethodGet, "/api/v1/cases/"+project, nil).want(t, http.StatusNotFound, "not_found")

		today := e.clock.Now().In(shanghai).Format("2006-01-02")
		yesterday := e.clock.Now().In(shanghai).Add(-24 * time.Hour).Format("2006-01-02")
		bad := fire("bank-ICBC", project, "set_up", 1, map[string]any{"date": yesterday}).want(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(string(bad.Raw), `"date"`) {
			t.Fatalf("立项 before the answer: %s", bad.Raw)
		}
		fire("county-GX", project, "set_up", 1, map[string]any{"date": today}).want(t, http.StatusForbidden, "forbidden")
		fire("bank-ICBC", project, "set_up", 1, map[string]any{"date": today}).want(t, http.StatusOK)
		fire("bank-ICBC", project, "apply", 2, map[string]any{"date": today, "amount": 3000000}).want(t, http.StatusUnprocessableEntity, "validation_failed")
		fire("bank-ICBC", project, "apply", 2, map[string]any{"date": today, "amount": "3000000"}).want(t, http.StatusOK)
		one := e.do("pboc", http.MethodGet, "/api/v1/cases/"+project, nil).want(t, http.StatusOK)
		data := one.Body["data"].(map[string]any)
		steps := data["steps"].([]any)
		if one.str("state") != "applied" || data["financing"] != number || len(steps) != 2 || steps[1].(map[string]any)["amount"] != "3000000.00" {
			t.Fatalf("the central bank reads %s", one.Raw)
		}
		// The steps' times, reckoned with the calendar: 立项 from the
		// bank's answer, 申报 from 立项, both today.
		timing, _ := one.Body["timing"].(map[string]any)
		spans, _ := timing["steps"].([]any)
		if len(spans) != 2 || spans[0].(map[string]any)["step"] != "set_up" || spans[1].(map[string]any)["from"] != today ||
			spans[1].(map[string]any)["workdays"] != float64(0) || spans[1].(map[string]any)["days"] != float64(0) {
			t.Fatalf("the project's timing: %s", one.Raw)
		}
		list := e.do("pboc", http.MethodGet, "/api/v1/cases?workflow=greenchannel", nil).want(t, http.StatusOK)
		if strings.Contains(string(list.Raw), `"timing"`) {
			t.Errorf("a list carries the projects' timing: %s", list.Raw)
		}
		e.do("bank-ICBC", http.MethodPost, "/api/v1/workflows/greenchannel/cases", map[string]any{"bank": "ICBC"}).want(t, http.StatusConflict, "transition_not_allowed")
	})
}
