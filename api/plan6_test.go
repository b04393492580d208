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

// problemFields returns the fields a problem document names.
func problemFields(r response) []string {
	var out []string
	errs, _ := r.Body["errors"].([]any)
	for _, e := range errs {
		if f, ok := e.(map[string]any)["field"].(string); ok {
			out = append(out, f)
		}
	}
	return out
}

func wantFields(t *testing.T, r response, fields ...string) {
	t.Helper()
	got := problemFields(r)
	for _, f := range fields {
		if !slices.Contains(got, f) {
			t.Fatalf("problem names %v, want %s among them: %s", got, f, r.Raw)
		}
	}
}

// A paper record: received and routed earlier; the bank's limit counts from
// routed_at, the window's delay is shown.
func TestCreatePaperRecord(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		body := newCase(t, "GXQ")
		body["received_at"] = "2026-02-24T09:00:00+08:00" // Tuesday, after Spring Festival
		body["routed_at"] = "2026-02-26T09:00:00+08:00"
		r := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusCreated)
		// 02-27, 02-28 (Saturday worked), 03-02, 03-03, 03-04.
		if r.str("due_at") != "2026-03-05T00:00:00+08:00" || r.str("routed_at") != "2026-02-26T09:00:00+08:00" || r.num("window_delay_workdays") != 2 {
			t.Fatalf("paper record: %s", r.Raw)
		}
		if r.Body["deadline_provisional"] != false || len(r.Body["limits"].([]any)) == 0 {
			t.Fatalf("limits: %s", r.Raw)
		}
		body["routed_at"] = "2026-02-23T09:00:00+08:00"
		bad := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		wantFields(t, bad, "routed_at")
	})
}

// Every problem of a request at once: a schema violation (an unknown field)
// and the workflow's checks (the credit code, the amount, the time) in one
// answer; text that is not UTF-8 is refused naming its field.
func TestCreateReportsEverythingAtOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		body := newCase(t, "GXQ")
		body["enterprise"] = map[string]any{"name": "益阳市示范机械制造有限公司", "uscc": "91430900MA4L000010"}
		body["amount"] = "三百万"
		body["routed_at"] = "yesterday"
		body["contcat"] = "138"
		r := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusUnprocessableEntity, "validation_failed")
		wantFields(t, r, "contcat", "enterprise.uscc", "amount", "routed_at")

		gbk := "{\"park\":\"GXQ\",\"enterprise\":{\"name\":\"\xd2\xe6\xd1\xf4\",\"uscc\":\"" + validUSCC(t, "91430900MA4L00001") + "\"},\"need\":\"\xc1\xf7\xb6\xaf\"}"
		r = e.do("window-GXQ", "POST", "/api/v1/cases", gbk).want(t, http.StatusUnprocessableEntity, "validation_failed")
		wantFields(t, r, "enterprise.name", "need")
		if n := e.do("city", "GET", "/api/v1/cases/counts", nil).want(t, http.StatusOK).num("total"); n != 0 {
			t.Fatalf("%d cases stored from refused bodies", n)
		}
		// An event's payload the same way.
		c := e.open("GXQ")
		path := "/api/v1/cases/" + c.str("id") + "/events"
		e.fireAs("bank-ICBC", c.str("id"), "accept", 1, map[string]any{})
		r = e.do("bank-ICBC", "POST", path, "{\"event\":\"answer\",\"version\":2,\"payload\":{\"can_handle\":\"yes\",\"conditions\":\"\xb5\xd6\xd1\xba\"}}").
			want(t, http.StatusUnprocessableEntity, "validation_failed")
		wantFields(t, r, "conditions", "procedure")
	})
}

// A query parameter with a bad value is refused naming the parameter; an
// unknown state is refused, not answered with an empty list.
func TestQueryParametersNamed(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		for q, field := range map[string]string{
			"state=routed,closd":       "state",
			"state=submitted":          "state",
			"overdue=perhaps":          "overdue",
			"past_due=1":               "past_due",
			"limit=abc":                "limit",
			"limit=0":                  "limit",
			"open_limit=bank":          "open_limit",
			"received_from=yesterday":  "received_from",
			"answered_late=yes":        "answered_late",
			"park=GXQ&bank=ICBC":       "bank",
			"due_soon=true&limit=1000": "limit",
		} {
			for _, path := range []string{"/api/v1/cases?", "/api/v1/cases/counts?"} {
				if strings.Contains(q, "limit=") && strings.HasSuffix(path, "counts?") {
					continue // counts take no limit
				}
				r := e.do("city", "GET", path+q, nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
				if got := problemFields(r); len(got) == 0 || !slices.Contains(got, field) || slices.Contains(got, "body") {
					t.Errorf("%s%s: fields %v, want %s", path, q, got, field)
				}
			}
		}
	})
}

// The number an enterprise quotes works wherever an id does.
func TestCaseNumberInPath(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		c := e.open("GXQ")
		num := c.str("number")
		if got := e.do("bank-ICBC", "GET", "/api/v1/cases/"+num, nil).want(t, http.StatusOK).str("id"); got != c.str("id") {
			t.Fatalf("by number: %s", got)
		}
		r := e.do("bank-ICBC", "POST", "/api/v1/cases/"+num+"/events", map[string]any{"event": "accept", "version": 1, "payload": map[string]any{}}).want(t, http.StatusOK)
		if r.str("state") != "accepted" {
			t.Fatalf("%s", r.Raw)
		}
		e.do("bank-ICBC", "GET", "/api/v1/cases/"+num+"/ledger", nil).want(t, http.StatusOK)
		// Another park's window: the same 404 as a number that does not exist.
		a := e.do("window-LLGY", "GET", "/api/v1/cases/"+num, nil).want(t, http.StatusNotFound, "not_found")
		b := e.do("window-LLGY", "GET", "/api/v1/cases/GXQ-2026-99999", nil).want(t, http.StatusNotFound, "not_found")
		if strings.ReplaceAll(withoutRequestID(a.Raw), num, "GXQ-2026-99999") != withoutRequestID(b.Raw) {
			t.Fatalf("hidden %s, missing %s", a.Raw, b.Raw)
		}
	})
}

// Entering next year's notice through the API recomputes the provisional
// deadlines at once.
func TestCalendarOverrideRecomputes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.clock.Set(time.Date(2027, 12, 28, 10, 0, 0, 0, shanghai))
		body := newCase(t, "GXQ")
		delete(body, "received_at")
		c := e.do("window-GXQ", "POST", "/api/v1/cases", body).want(t, http.StatusCreated)
		if c.Body["deadline_provisional"] != true || c.str("due_at") != "2028-01-05T00:00:00+08:00" {
			t.Fatalf("provisional case: %s", c.Raw)
		}
		notice := map[string]any{"holidays": []any{map[string]any{"name": "元旦", "days": []string{"2028-01-01", "2028-01-02", "2028-01-03"}}}}
		e.do("admin", "PUT", "/api/v1/calendar/overrides/2028", notice).want(t, http.StatusOK)
		r := e.do("city", "GET", "/api/v1/cases/"+c.str("id"), nil).want(t, http.StatusOK)
		if r.Body["deadline_provisional"] != false || r.str("due_at") != "2028-01-06T00:00:00+08:00" {
			t.Fatalf("after 2028's notice: %s", r.Raw)
		}
	})
}

// The list cursor is opaque and carries its own key: a case id is not a
// cursor, and a cursor naming a case the caller may not see tells nothing a
// cursor naming no case would not.
func TestCursorCannotProbe(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		for i := 0; i < 3; i++ {
			e.open("GXQ")
			e.clock.Advance(time.Minute)
		}
		hidden := e.open("LLGY")
		r := e.do("window-GXQ", "GET", "/api/v1/cases?after="+hidden.str("id"), nil).want(t, http.StatusUnprocessableEntity, "validation_failed")
		wantFields(t, r, "after")
		page := e.do("window-GXQ", "GET", "/api/v1/cases?limit=1", nil).want(t, http.StatusOK)
		next := page.str("next_cursor")
		if next == "" || strings.Contains(next, page.Body["items"].([]any)[0].(map[string]any)["id"].(string)) {
			t.Fatalf("cursor %q is empty or shows the id", next)
		}
		rest := e.do("window-GXQ", "GET", "/api/v1/cases?after="+next, nil).want(t, http.StatusOK)
		if n := len(rest.Body["items"].([]any)); n != 2 {
			t.Fatalf("after the first page: %d cases, want 2", n)
		}
	})
}
