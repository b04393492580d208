package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestRoutesMatchContract fails when a route is missing from openapi.yaml or
// an operation of openapi.yaml has no route.
func TestRoutesMatchContract(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	inSpec := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inSpec[method+" "+path] = true
		}
	}
	routes := map[string]bool{}
	for _, r := range api.New(api.Config{}).Routes() {
		routes[r] = true
	}
	var missing, extra []string
	for r := range routes {
		if !inSpec[r] {
			missing = append(missing, r)
		}
	}
	for op := range inSpec {
		if !routes[op] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("routes not in openapi.yaml: %v\noperations without a route: %v", missing, extra)
	}
	if len(routes) < 25 {
		t.Fatalf("only %d routes", len(routes))
	}
}

func TestOperations(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	t.Run("Healthz", func(t *testing.T) {
		e.do("", "GET", "/healthz", nil).want(t, http.StatusOK)
	})
	t.Run("Readyz", func(t *testing.T) {
		r := e.do("", "GET", "/readyz", nil).want(t, http.StatusOK)
		if r.str("database") != "ok" {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("ReadyzDown", func(t *testing.T) {
		down := func(context.Context) error { return errors.New("down") }
		srv := api.New(api.Config{Ready: []api.Check{{Name: "redis", Ping: down}, {Name: "warm_up", Ping: down, Failing: "pending"},
			{Name: "database", Ping: func(context.Context) error { return nil }}}})
		rec := &recorder{header: http.Header{}}
		req, _ := http.NewRequest("GET", "/readyz", nil)
		srv.Handler().ServeHTTP(rec, req)
		var got map[string]string
		if err := json.Unmarshal([]byte(rec.body.String()), &got); err != nil || rec.status != http.StatusServiceUnavailable ||
			got["redis"] != "unreachable" || got["warm_up"] != "pending" || got["database"] != "ok" {
			t.Fatalf("%d %s", rec.status, rec.body.String())
		}
	})
	t.Run("Spec", func(t *testing.T) {
		r := e.do("", "GET", "/api/v1/openapi.yaml", nil).want(t, http.StatusOK)
		if !strings.HasPrefix(string(r.Raw), "openapi: 3") || !strings.Contains(r.Header.Get("Content-Type"), "yaml") {
			t.Fatalf("%s", r.Header.Get("Content-Type"))
		}
	})
	t.Run("Docs", func(t *testing.T) {
		r := e.do("", "GET", "/api/v1/docs", nil).want(t, http.StatusOK)
		page := string(r.Raw)
		for _, want := range []string{"createCase", "/api/v1/cases/{id}/events", `href="/api/v1/docs/reference.css"`, "CreateCase"} {
			if !strings.Contains(page, want) {
				t.Errorf("reference page lacks %q", want)
			}
		}
		if strings.Contains(page, `src="http`) || strings.Contains(page, `href="http`) {
			t.Error("reference page loads a remote asset")
		}
		if r.Header.Get("Content-Security-Policy") != "default-src 'self'" {
			t.Errorf("CSP %q", r.Header.Get("Content-Security-Policy"))
		}
		css := e.do("", "GET", "/api/v1/docs/reference.css", nil).want(t, http.StatusOK)
		if !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
			t.Errorf("css served as %q", css.Header.Get("Content-Type"))
		}
		e.do("", "GET", "/api/v1/docs/nothing.js", nil).want(t, http.StatusNotFound, "not_found")
	})
	t.Run("ErrNoRoute", func(t *testing.T) {
		e.do("city", "GET", "/api/v1/nothing", nil).want(t, http.StatusNotFound, "not_found")
	})
	t.Run("ErrMethod", func(t *testing.T) {
		e.do("city", "PATCH", "/api/v1/cases", "{}").want(t, http.StatusMethodNotAllowed, "method_not_allowed")
	})
	t.Run("Workdays", func(t *testing.T) {
		// 2026-09-30 is the eve of the National Day holiday: five working
		// days later is well into October.
		r := e.do("window-GXQ", "GET", "/api/v1/calendar/workdays?from=2026-09-30T15:00:00%2B08:00&workdays=5", nil).want(t, http.StatusOK)
		if r.str("date") <= "2026-10-08" {
			t.Fatalf("%s", r.Raw)
		}
		e.do("window-GXQ", "GET", "/api/v1/calendar/workdays?from=2099-09-30T15:00:00%2B08:00&workdays=5", nil).
			want(t, http.StatusUnprocessableEntity, "calendar_year_missing")
		e.do("window-GXQ", "GET", "/api/v1/calendar/workdays?from=tomorrow&workdays=5", nil).
			want(t, http.StatusUnprocessableEntity, "validation_failed")
	})
	t.Run("VerifyLedger", func(t *testing.T) {
		e.open("GXQ")
		r := e.do("city", "GET", "/api/v1/ledger/verify", nil).want(t, http.StatusOK)
		if r.Body["ok"] != true || r.num("entries") < 1 || r.Body["walked"] != false {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("PutUser", func(t *testing.T) {
		e.do("admin", "PUT", "/api/v1/users/w2", map[string]any{"display_name": "窗口二", "role": "window", "org": "ICBC", "password": "Long-enough-pw1"}).
			want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("admin", "PUT", "/api/v1/users/w2", map[string]any{"display_name": "窗口二", "role": "window", "org": "GXQ"}).
			want(t, http.StatusUnprocessableEntity, "validation_failed")
		e.do("admin", "PUT", "/api/v1/users/w2", map[string]any{"display_name": "窗口二", "role": "window", "org": "GXQ", "password": "Long-enough-pw1"}).
			want(t, http.StatusOK)
		r := e.do("", "POST", "/api/v1/session", map[string]any{"user": "w2", "password": "Long-enough-pw1"}).want(t, http.StatusCreated)
		if r.Body["user"].(map[string]any)["org"] != "GXQ" {
			t.Fatalf("%s", r.Raw)
		}
	})
	t.Run("Pairings", func(t *testing.T) {
		e.do("admin", "POST", "/api/v1/pairings", map[string]any{"year": 2026, "park": "GXQ", "bank": "CCB"}).
			want(t, http.StatusConflict, "conflict")
		e.do("admin", "POST", "/api/v1/pairings", map[string]any{"year": 2026, "park": "GXQ", "bank": "CCB", "reason": "工行网点撤并"}).
			want(t, http.StatusCreated)
		r := e.do("window-GXQ", "GET", "/api/v1/pairings?year=2026", nil).want(t, http.StatusOK)
		var gxq []map[string]any
		for _, it := range r.Body["items"].([]any) {
			if m := it.(map[string]any); m["park"] == "GXQ" {
				gxq = append(gxq, m)
			}
		}
		if len(gxq) != 2 || gxq[0]["superseded_at"] == nil || gxq[1]["bank"] != "CCB" {
			t.Fatalf("GXQ history %v", gxq)
		}
		// A new case now goes to the new lead bank.
		if c := e.open("GXQ"); c.str("lead_bank") != "CCB" {
			t.Fatalf("lead bank %s", c.str("lead_bank"))
		}
	})
}

// recorder is a minimal http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(s int) { r.status = s }
