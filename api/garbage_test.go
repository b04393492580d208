package api_test

import (
	"strings"
	"testing"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestNoClientMistakeIsAServerFault sends malformed input to every route as
// several users and fails on any 5xx.
func TestNoClientMistakeIsAServerFault(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		id := e.open("GXQ").str("id")
		bodies := []string{"", "null", "[]", "{}", `{"a":`, `"text"`, "12", `{"version":-1,"event":""}`,
			`{"event":"answer","version":1,"payload":[1]}`, `{"event":"accept","version":99999999999999999999}`,
			`{"name":"` + strings.Repeat("長", 300) + `"}`, "\xff\xfe", `{"year":"2026","park":{},"bank":null}`,
			`{"display_name":"x","role":"root","org":"../../"}`, `{"name":"x","ttl_days":100000}`,
			`{"park":"GXQ","enterprise":{"name":"a\u0000b","uscc":"91350100M000100Y43"},"need":"x"}`,
			`{"event":"accept","version":1,"payload":{"note":"\u0000"}}`, `{"name":"\u0000"}`}
		paths := []string{
			"/api/v1/session", "/api/v1/cases", "/api/v1/cases/" + id, "/api/v1/cases/" + id + "/events",
			"/api/v1/cases/" + id + "/ledger", "/api/v1/cases/%00", "/api/v1/cases/" + strings.Repeat("x", 100),
			"/api/v1/parks/%2F..", "/api/v1/banks/B", "/api/v1/counties/C", "/api/v1/pairings", "/api/v1/users/a%20b",
			"/api/v1/tokens", "/api/v1/tokens/" + strings.Repeat("z", 70), "/api/v1/calendar/99999", "/api/v1/calendar/workdays",
			"/api/v1/ledger/verify", "/api/v1/docs/..%2Fopenapi.yaml",
			"/api/v1/cases?limit=-1&after=%27%3B--&state=,,,&received_from=2026-13-45T99:00:00Z&q=%25%5F%5C",
			"/api/v1/calendar/workdays?from=0001-01-01T00:00:00Z&workdays=366",
			"/api/v1/calendar/workdays?from=9999-12-31T23:59:59Z&workdays=366",
			"/api/v1/pairings?year=abc",
		}
		for _, user := range []string{"", "window-GXQ", "admin", "county-HS"} {
			for _, path := range paths {
				for _, method := range []string{"GET", "POST", "PUT", "DELETE"} {
					for _, body := range bodies {
						if method == "GET" && body != "" {
							continue
						}
						r := e.do(user, method, path, body, "Idempotency-Key", "k\xff\xfe")
						if r.Status >= 500 {
							t.Errorf("%s %s as %q with %.40q: %d %s", method, path, user, body, r.Status, r.Raw)
						}
						if r.Status >= 400 && r.Header.Get("Content-Type") != "application/problem+json" {
							t.Errorf("%s %s as %q: %d as %q", method, path, user, r.Status, r.Header.Get("Content-Type"))
						}
					}
				}
			}
		}
	})
}
