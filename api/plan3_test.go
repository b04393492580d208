package api_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/all"
)

// Plan 3 through the cases API: the leading-group office assigns with
// POST /api/v1/workflows/plan3/cases (every field error at once), the lead
// department undertakes and files progress through the events API, a
// cooperating department cannot file it, a bank sees no plan-3 case, and
// close-out needs the assigner. Every answer is checked against the
// contract.
func TestPlan3ThroughTheCasesAPI(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.clock.Set(time.Date(2027, 2, 10, 9, 0, 0, 0, shanghai))
		assign := map[string]any{"enterprise": "益阳某新材料有限公司", "difficulty": "不动产登记办理迟滞，影响抵押贷款",
			"lead": "FGW", "coop": []any{map[string]any{"dept": "GXJ"}}, "deadline": "2027-04-30"}
		got := e.do("lgo-YSHJ", http.MethodPost, "/api/v1/workflows/plan3/cases",
			map[string]any{"enterprise": "", "difficulty": "x", "lead": "ICBC", "deadline": "2027-01-01"}).want(t, http.StatusUnprocessableEntity, "validation_failed")
		for _, f := range []string{"enterprise", "lead", "deadline"} {
			if !strings.Contains(string(got.Raw), `"`+f+`"`) {
				t.Fatalf("field errors lack %s: %s", f, got.Raw)
			}
		}
		e.do("dept-FGW", http.MethodPost, "/api/v1/workflows/plan3/cases", assign).want(t, http.StatusForbidden, "forbidden")
		created := e.do("lgo-YSHJ", http.MethodPost, "/api/v1/workflows/plan3/cases", assign).want(t, http.StatusCreated)
		number := created.str("number")
		if created.str("state") != "assigned" || !strings.HasPrefix(number, "SB-2027-") {
			t.Fatalf("created %s", created.Raw)
		}
		fire := func(user, event string, version int, payload map[string]any) response {
			return e.do(user, http.MethodPost, "/api/v1/cases/"+number+"/events", map[string]any{"event": event, "version": version, "payload": payload})
		}
		fire("dept-FGW", "undertake", 1, map[string]any{"note": "已牵头"}).want(t, http.StatusOK)
		fire("dept-GXJ", "progress", 2, map[string]any{"text": "代报"}).want(t, http.StatusForbidden, "forbidden")
		got = fire("dept-FGW", "progress", 2, map[string]any{"text": "已明确验收材料清单"}).want(t, http.StatusOK)
		if got.Body["state"] != "undertaking" {
			t.Fatalf("after progress: %s", got.Raw)
		}
		page := e.do("bank-ICBC", http.MethodGet, "/api/v1/cases?workflow=plan3", nil).want(t, http.StatusOK)
		if items, _ := page.Body["items"].([]any); len(items) != 0 {
			t.Fatalf("a bank lists %s", page.Raw)
		}
		e.do("bank-ICBC", http.MethodGet, "/api/v1/cases/"+number, nil).want(t, http.StatusNotFound, "not_found")
		fire("dept-FGW", "request_close", 3, map[string]any{"result": "已办结"}).want(t, http.StatusOK)
		fire("dept-FGW", "confirm", 4, map[string]any{}).want(t, http.StatusForbidden, "forbidden")
		got = fire("lgo-YSHJ", "confirm", 4, map[string]any{"note": "同意销号"}).want(t, http.StatusOK)
		if got.Body["state"] != "closed" {
			t.Fatalf("after confirming: %s", got.Raw)
		}
	})
}

// The organisations of the types without a table of their own through the
// reference API: listed by every user, created and renamed by the
// administrator only, a code another organisation has refused.
func TestOrganisationsThroughTheAPI(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, api.Config{})
	list := e.do("dept-FGW", http.MethodGet, "/api/v1/organisations", nil).want(t, http.StatusOK)
	if !strings.Contains(string(list.Raw), `"code":"YSHJ","type":"leading_group"`) {
		t.Fatalf("list %s", list.Raw)
	}
	body := map[string]any{"type": "city_dept", "name": "市住房和城乡建设局"}
	e.do("city", http.MethodPut, "/api/v1/organisations/ZJJ", body).want(t, http.StatusForbidden, "forbidden")
	e.do("admin", http.MethodPut, "/api/v1/organisations/GXQ", body).want(t, http.StatusConflict, "conflict")
	e.do("admin", http.MethodPut, "/api/v1/organisations/ZJJ", map[string]any{"type": "park", "name": "x"}).want(t, http.StatusUnprocessableEntity, "validation_failed")
	got := e.do("admin", http.MethodPut, "/api/v1/organisations/ZJJ", body).want(t, http.StatusOK)
	if got.str("type") != "city_dept" || got.str("name") != "市住房和城乡建设局" {
		t.Fatalf("put %s", got.Raw)
	}
	// A county sub-branch of the central bank names its county (listed
	// with it); without one, or another type with one, is refused on the
	// field.
	if !strings.Contains(string(list.Raw), `"code":"PBOC-AH","type":"county_pboc","name":"人民银行安化县支行","county":"AH"`) {
		t.Fatalf("the demo's sub-branch listed as %s", list.Raw)
	}
	for _, bad := range []map[string]any{{"type": "county_pboc", "name": "人民银行桃江县支行"},
		{"type": "county_pboc", "name": "人民银行桃江县支行", "county": "NONE"}, {"type": "city_dept", "name": "x", "county": "TJ"}} {
		r := e.do("admin", http.MethodPut, "/api/v1/organisations/PBOC-TJ", bad).want(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(string(r.Raw), `"field":"county"`) {
			t.Errorf("%v refused without naming the county: %s", bad, r.Raw)
		}
	}
	got = e.do("admin", http.MethodPut, "/api/v1/organisations/PBOC-TJ", map[string]any{"type": "county_pboc", "name": "人民银行桃江县支行", "county": "TJ"}).want(t, http.StatusOK)
	if got.str("county") != "TJ" {
		t.Fatalf("put %s", got.Raw)
	}
}

// The contract's roles are the declared ones: the directory's and those
// the registered workflows add.
func TestContractRolesAreTheDeclaredOnes(t *testing.T) {
	if err := engine.Declare(all.Definitions(all.Config{})...); err != nil {
		t.Fatal(err)
	}
	spec, err := openapi3.NewLoader().LoadFromData(api.Spec())
	if err != nil {
		t.Fatal(err)
	}
	for _, schema := range []string{"User", "UserInput"} {
		var got []string
		for _, v := range spec.Components.Schemas[schema].Value.Properties["role"].Value.Enum {
			got = append(got, v.(string))
		}
		var want []string
		for _, r := range engine.Roles {
			want = append(want, string(r))
		}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s.role lists %v, the declared roles are %v", schema, got, want)
		}
	}
}
