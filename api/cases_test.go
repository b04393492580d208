package api_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestCreateCase(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		t.Run("OK", func(t *testing.T) {
			r := e.open("GXQ")
			for _, k := range []string{"id", "number", "state", "park", "lead_bank"} {
				if r.str(k) == "" {
					t.Errorf("case has no %s: %s", k, r.Raw)
				}
			}
			if r.str("state") != "routed" || r.num("version") != 1 || r.str("park") != "GXQ" || r.str("lead_bank") != "ICBC" {
				t.Errorf("case %s", r.Raw)
			}
			if r.str("warn_at") == "" || r.str("due_at") == "" {
				t.Errorf("warn_at/due_at missing: %s", r.Raw)
			}
			if !strings.HasPrefix(r.str("number"), "GXQ-2026-") {
				t.Errorf("number %q", r.str("number"))
			}
			if got := r.Header.Get("Location"); got != "/api/v1/cases/"+r.str("id") {
				t.Errorf("Location %q", got)
			}
			// The answer to the creation shows the case as reading it
			// back does: its record, kept as the workflow made it, says
			// what the stored record says.
			got := e.do("window-GXQ", "GET", "/api/v1/cases/"+r.str("id"), nil).want(t, http.StatusOK)
			if !reflect.DeepEqual(r.Body, got.Body) {
				t.Errorf("created:\n%s\nread back:\n%s", r.Raw, got.Raw)
			}
		})
		t.Run("ErrInvalidUSCC", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["enterprise"] = map[string]any{"name": "某公司", "uscc": "91430900MA4L000010"}
			r := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "invalid_uscc")
			if errs, _ := r.Body["errors"].([]any); len(errs) != 1 {
				t.Errorf("errors %s", r.Raw)
			}
		})
		t.Run("ErrFields", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["need"] = "   "
			body["amount"] = "12.345"
			body["enterprise"] = map[string]any{"name": "", "uscc": "bad"}
			r := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
			fields := map[string]bool{}
			for _, f := range r.Body["errors"].([]any) {
				fields[f.(map[string]any)["field"].(string)] = true
			}
			for _, f := range []string{"need", "amount", "enterprise.name", "enterprise.uscc"} {
				if !fields[f] {
					t.Errorf("no error for %s: %s", f, r.Raw)
				}
			}
		})
		t.Run("ErrAmountNumber", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["amount"] = 3000000
			e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrUnknownField", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["colour"] = "red"
			e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrMalformed", func(t *testing.T) {
			e.do("window-GXQ", "POST", "/api/v1/cases", `{"park": `).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrTooLarge", func(t *testing.T) {
			big := `{"park":"GXQ","need":"` + strings.Repeat("x", api.MaxBody) + `"}`
			e.do("window-GXQ", "POST", "/api/v1/cases", big).want(t, http.StatusRequestEntityTooLarge, "payload_too_large")
		})
		t.Run("ErrTooLong", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["need"] = strings.Repeat("需", 4001)
			e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrFuture", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["received_at"] = start.Add(time.Hour).Format(time.RFC3339)
			e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrTooOld", func(t *testing.T) {
			body := newCase(t, "GXQ")
			body["received_at"] = start.Add(-31 * 24 * time.Hour).Format(time.RFC3339)
			e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrOtherPark", func(t *testing.T) {
			e.do("window-GXQ", "POST", "/api/v1/cases", newCase(t, "LLGY")).want(t, http.StatusForbidden, "forbidden")
		})
		t.Run("ErrMediaType", func(t *testing.T) {
			e.do("window-GXQ", "POST", "/api/v1/cases", "park=GXQ", "Content-Type", "application/x-www-form-urlencoded").
				want(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
		})
		t.Run("ErrCalendarYearMissing", func(t *testing.T) {
			// A case received in a year the calendar has no data for.
			e.clock.Set(time.Date(2031, time.June, 2, 10, 0, 0, 0, shanghai))
			defer e.clock.Set(start)
			body := newCase(t, "GXQ")
			delete(body, "received_at")
			r := e.do("window-GXQ", "POST", "/api/v1/cases", body)
			if r.Status >= 500 {
				t.Fatalf("status %d: %s", r.Status, r.Raw)
			}
		})
	})
}

func TestFireEvent(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		c := e.open("GXQ")
		path := "/api/v1/cases/" + c.str("id") + "/events"
		accepted := e.do("bank-ICBC", "POST", path, map[string]any{"event": "accept", "version": 1, "payload": map[string]any{}}).want(t, http.StatusOK)
		if accepted.str("state") != "accepted" || accepted.num("version") != 2 {
			t.Fatalf("after accept: %s", accepted.Raw)
		}
		t.Run("ErrStaleVersion", func(t *testing.T) {
			e.do("bank-ICBC", "POST", path, map[string]any{"event": "answer", "version": 1, "payload": answerYes}).
				want(t, http.StatusConflict, "version_conflict")
		})
		t.Run("ErrTransition", func(t *testing.T) {
			e.do("bank-ICBC", "POST", path, map[string]any{"event": "accept", "version": 2}).
				want(t, http.StatusConflict, "transition_not_allowed")
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			e.do("window-GXQ", "POST", path, map[string]any{"event": "answer", "version": 2, "payload": answerYes}).
				want(t, http.StatusForbidden, "forbidden")
		})
		t.Run("ErrPayload", func(t *testing.T) {
			e.do("bank-ICBC", "POST", path, map[string]any{"event": "answer", "version": 2, "payload": map[string]any{"can_handle": "maybe"}}).
				want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("ErrNoVersion", func(t *testing.T) {
			e.do("bank-ICBC", "POST", path, map[string]any{"event": "answer", "payload": answerYes}).
				want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("Answer", func(t *testing.T) {
			r := e.do("bank-ICBC", "POST", path, map[string]any{"event": "answer", "version": 2, "payload": answerYes}).want(t, http.StatusOK)
			if r.str("state") != "answered" {
				t.Fatalf("%s", r.Raw)
			}
			// The answer shows the case as reading it back does, its
			// record changed by the event included.
			if got := e.do("bank-ICBC", "GET", "/api/v1/cases/"+c.str("id"), nil).want(t, http.StatusOK); !reflect.DeepEqual(r.Body, got.Body) {
				t.Errorf("answered:\n%s\nread back:\n%s", r.Raw, got.Raw)
			}
			fb := map[string]any{"outcome": "financed", "amount_financed": "2500000"}
			e.do("window-GXQ", "POST", path, map[string]any{"event": "feedback", "version": 3, "payload": fb}).want(t, http.StatusOK)
		})
		t.Run("Ledger", func(t *testing.T) {
			r := e.do("county-GX", "GET", "/api/v1/cases/"+c.str("id")+"/ledger", nil).want(t, http.StatusOK)
			var events []string
			for _, it := range r.Body["items"].([]any) {
				events = append(events, it.(map[string]any)["event"].(string))
			}
			if strings.Join(events, ",") != "open,accept,answer,feedback" {
				t.Fatalf("timeline %v", events)
			}
		})
		t.Run("Urge", func(t *testing.T) {
			c2 := e.open("GXQ")
			r := e.do("county-GX", "POST", "/api/v1/cases/"+c2.str("id")+"/events", map[string]any{"event": "urge", "version": 1, "payload": map[string]any{"note": "请尽快答复"}}).want(t, http.StatusOK)
			if r.num("version") != 2 {
				t.Fatalf("%s", r.Raw)
			}
		})
	})
}

func TestListCases(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		var ids []string
		for i := 0; i < 5; i++ {
			ids = append(ids, e.open("GXQ").str("id"))
			e.clock.Advance(time.Minute)
		}
		e.open("LLGY")
		t.Run("Paging", func(t *testing.T) {
			var seen []string
			cursor := ""
			for page := 0; page < 5; page++ {
				r := e.do("window-GXQ", "GET", "/api/v1/cases?limit=2&after="+cursor, nil).want(t, http.StatusOK)
				for _, it := range r.Body["items"].([]any) {
					seen = append(seen, it.(map[string]any)["id"].(string))
				}
				cursor = r.str("next_cursor")
				if cursor == "" {
					break
				}
			}
			if len(seen) != 5 {
				t.Fatalf("saw %d cases over the pages, want 5: %v", len(seen), seen)
			}
		})
		t.Run("Filters", func(t *testing.T) {
			count := func(user, q string) int {
				r := e.do(user, "GET", "/api/v1/cases?"+q, nil).want(t, http.StatusOK)
				return len(r.Body["items"].([]any))
			}
			cases := []struct {
				user, q string
				want    int
			}{
				{"city", "", 6},
				{"city", "park=GXQ", 5},
				{"city", "bank=ABC", 1},
				{"city", "state=routed", 6},
				{"city", "state=closed", 0},
				{"city", "overdue=true", 0},
				{"city", "due_soon=false", 6},
				{"city", "escalated=true", 0},
				{"city", "escalated=false", 6},
				{"city", "q=GXQ-2026", 5},
				{"city", "q=" + "%E7%A4%BA%E8%8C%83", 6},
				{"city", "received_from=" + start.Add(2*time.Hour).UTC().Format(time.RFC3339), 0},
				{"window-GXQ", "park=LLGY", 0},
				{"bank-ICBC", "", 5},
				{"county-HS", "", 1},
			}
			for _, c := range cases {
				if got := count(c.user, c.q); got != c.want {
					t.Errorf("%s ?%s: %d cases, want %d", c.user, c.q, got, c.want)
				}
			}
		})
		t.Run("ErrFilter", func(t *testing.T) {
			e.do("city", "GET", "/api/v1/cases?limit=0", nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
			e.do("city", "GET", "/api/v1/cases?overdue=perhaps", nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
			e.do("city", "GET", "/api/v1/cases?received_from=yesterday", nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
		})
		t.Run("Overdue", func(t *testing.T) {
			// Ten calendar days later every limit has passed.
			e.clock.Advance(10 * 24 * time.Hour)
			if _, err := e.worker.Drain(e.ctx); err != nil {
				t.Fatal(err)
			}
			// Lateness is supervised, not escalated: red on the boards,
			// still with the banks.
			for q, want := range map[string]int{"past_due=true": 6, "overdue=true&escalated=true": 0, "answered_late=true": 0, "due_soon=true": 0} {
				r := e.do("city", "GET", "/api/v1/cases?"+q, nil).want(t, http.StatusOK)
				if n := len(r.Body["items"].([]any)); n != want {
					t.Errorf("?%s: %d cases, want %d", q, n, want)
				}
			}
			n := e.do("county-GX", "GET", "/api/v1/cases/counts", nil).want(t, http.StatusOK)
			if n.num("past_due") != 5 || n.num("overdue") != 5 || n.num("answered_late") != 0 {
				t.Fatalf("county counts %s", n.Raw)
			}
		})
	})
}

func TestLanguage(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		zh := e.do("city", "GET", "/api/v1/cases/nope", nil).want(t, http.StatusNotFound, "not_found")
		en := e.do("city", "GET", "/api/v1/cases/nope", nil, "Accept-Language", "en-GB,en;q=0.9").want(t, http.StatusNotFound, "not_found")
		if zh.str("detail") == en.str("detail") || !strings.Contains(en.str("detail"), "not found") {
			t.Fatalf("zh %q, en %q", zh.str("detail"), en.str("detail"))
		}
	})
}
