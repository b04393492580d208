package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// The users of the matrix: every role, from the organisation of the case
// ("own": park GXQ, its lead bank ICBC, its county GX) and from another.
// bank-BOC is the participating bank the lead bank invites.
var matrixUsers = []string{
	"window-GXQ", "window-LLGY",
	"bank-ICBC", "bank-ABC", "bank-BOC",
	"county-GX", "county-HS",
	"city", "pboc", "admin",
}

// row is one route of the matrix with the status each user gets. A user
// missing from want gets other.
type row struct {
	name   string
	method string
	// path and body are built for a case prepared by setup.
	path  func(id string) string
	body  func(t *testing.T) any
	setup func(e *env, id string)
	want  map[string]int
	other int
}

func (e *env) fireAs(user, id, event string, version int, payload any) {
	e.t.Helper()
	e.do(user, "POST", "/api/v1/cases/"+id+"/events", map[string]any{"event": event, "version": version, "payload": payload}).want(e.t, http.StatusOK)
}

func eventBody(event string, payload map[string]any) func(t *testing.T) any {
	return func(t *testing.T) any { return map[string]any{"event": event, "version": 0, "payload": payload} }
}

func TestAuthorisationMatrix(t *testing.T) {
	const ok, created = http.StatusOK, http.StatusCreated
	const forbidden, hidden = http.StatusForbidden, http.StatusNotFound
	casePath := func(id string) string { return "/api/v1/cases/" + id }
	eventsPath := func(id string) string { return "/api/v1/cases/" + id + "/events" }
	fixed := func(p string) func(string) string { return func(string) string { return p } }
	accepted := func(e *env, id string) { e.fireAs("bank-ICBC", id, "accept", 1, map[string]any{}) }
	invited := func(e *env, id string) {
		accepted(e, id)
		e.fireAs("bank-ICBC", id, "invite", 2, map[string]any{"bank": "BOC"})
	}
	escalated := func(e *env, id string) {
		accepted(e, id)
		e.fireAs("bank-ICBC", id, "cannot_solve", 2, map[string]any{"reason": "抵押物不足，银行无法解决。", "no_participant_reason": "园区其他银行均无此类产品。"})
	}
	readers := map[string]int{"window-GXQ": ok, "bank-ICBC": ok, "county-GX": ok, "city": ok, "pboc": ok, "admin": ok}
	rows := []row{
		{name: "GetCase", method: "GET", path: casePath, want: readers, other: hidden},
		{name: "GetCaseInvited", method: "GET", path: casePath, setup: invited,
			want: merge(readers, map[string]int{"bank-BOC": ok}), other: hidden},
		{name: "CaseLedger", method: "GET", path: func(id string) string { return casePath(id) + "/ledger" }, want: readers, other: hidden},
		{name: "CreateCase", method: "POST", path: fixed("/api/v1/cases"), body: func(t *testing.T) any { return newCase(t, "GXQ") },
			want: map[string]int{"window-GXQ": created}, other: forbidden},
		{name: "Accept", method: "POST", path: eventsPath, body: eventBody("accept", nil),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "RequestInfo", method: "POST", path: eventsPath, setup: accepted, body: eventBody("request_info", map[string]any{"question": "请提供近三年财务报表。"}),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Answer", method: "POST", path: eventsPath, setup: accepted, body: eventBody("answer", answerYes),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "AnswerByParticipant", method: "POST", path: eventsPath, setup: invited, body: eventBody("answer", answerYes),
			want: map[string]int{"bank-ICBC": ok, "bank-BOC": forbidden, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Offer", method: "POST", path: eventsPath, setup: invited, body: eventBody("offer", answerYes),
			want: map[string]int{"bank-BOC": ok, "bank-ICBC": forbidden, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Invite", method: "POST", path: eventsPath, setup: accepted, body: eventBody("invite", map[string]any{"bank": "CCB"}),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "CannotSolve", method: "POST", path: eventsPath, setup: accepted, body: eventBody("cannot_solve", map[string]any{"reason": "无法解决。", "no_participant_reason": "无参与行可解决。"}),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Urge", method: "POST", path: eventsPath, body: eventBody("urge", map[string]any{"note": "请抓紧答复。"}),
			want: map[string]int{"county-GX": ok, "city": ok, "pboc": ok, "window-GXQ": forbidden, "bank-ICBC": forbidden, "admin": forbidden}, other: hidden},
		{name: "Withdraw", method: "POST", path: eventsPath, body: eventBody("withdraw", map[string]any{"reason": "企业已从其他渠道获得融资。"}),
			want: map[string]int{"window-GXQ": ok, "bank-ICBC": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Resolve", method: "POST", path: eventsPath, setup: escalated,
			body: eventBody("resolve", merge2(answerYes, map[string]any{"resolution": "会诊后由担保公司提供担保。"})),
			want: map[string]int{"city": ok, "pboc": ok, "window-GXQ": forbidden, "bank-ICBC": forbidden, "county-GX": forbidden, "admin": forbidden}, other: hidden},
		{name: "GetCaseByNumber", method: "GET", path: func(string) string { return "/api/v1/cases/GXQ-2026-00001" }, want: readers, other: hidden},
		{name: "Return", method: "POST", path: eventsPath, body: eventBody("return", map[string]any{"category": "wrong_bank", "reason": "应由中行办理。"}),
			want: map[string]int{"bank-ICBC": ok, "window-GXQ": forbidden, "county-GX": forbidden, "city": forbidden, "pboc": forbidden, "admin": forbidden}, other: hidden},
		{name: "Supervise", method: "POST", path: eventsPath, body: eventBody("supervise", map[string]any{"notice": "请按期答复。", "reply_by": "2026-03-06"}),
			want: map[string]int{"county-GX": ok, "city": ok, "pboc": ok, "window-GXQ": forbidden, "bank-ICBC": forbidden, "admin": forbidden}, other: hidden},
		{name: "Transfer", method: "POST", path: eventsPath, body: eventBody("transfer", map[string]any{"bank": "CCB", "reason": "结对调整。"}),
			want: map[string]int{"county-GX": ok, "admin": forbidden, "window-GXQ": forbidden, "bank-ICBC": forbidden, "city": forbidden, "pboc": forbidden}, other: hidden},
		{name: "CountCases", method: "GET", path: fixed("/api/v1/cases/counts?overdue=false"), other: ok},
		{name: "ListParks", method: "GET", path: fixed("/api/v1/parks"), other: ok},
		{name: "ListBanks", method: "GET", path: fixed("/api/v1/banks"), other: ok},
		{name: "ListCounties", method: "GET", path: fixed("/api/v1/counties"), other: ok},
		{name: "ListPairings", method: "GET", path: fixed("/api/v1/pairings?year=2026"), other: ok},
		{name: "PutPark", method: "PUT", path: fixed("/api/v1/parks/NEWP"), body: func(*testing.T) any { return map[string]any{"name": "新园区", "county": "GX"} },
			want: map[string]int{"admin": ok}, other: forbidden},
		{name: "PutBank", method: "PUT", path: fixed("/api/v1/banks/NEWB"), body: func(*testing.T) any { return map[string]any{"name": "新银行"} },
			want: map[string]int{"admin": ok}, other: forbidden},
		{name: "PutCounty", method: "PUT", path: fixed("/api/v1/counties/NEWC"), body: func(*testing.T) any { return map[string]any{"name": "新区县金融办"} },
			want: map[string]int{"admin": ok}, other: forbidden},
		{name: "Pair", method: "POST", path: fixed("/api/v1/pairings"), body: func(*testing.T) any {
			return map[string]any{"year": 2026, "park": "YJCB", "bank": "CEB", "reason": "原主联系行网点撤并"}
		}, want: map[string]int{"admin": created}, other: forbidden},
		{name: "ListUsers", method: "GET", path: fixed("/api/v1/users"), want: map[string]int{"admin": ok}, other: forbidden},
		{name: "PutUser", method: "PUT", path: fixed("/api/v1/users/new-user"), body: func(*testing.T) any {
			return map[string]any{"display_name": "新用户", "role": "window", "org": "GXQ", "password": "Long-enough-pw1"}
		}, want: map[string]int{"admin": ok}, other: forbidden},
		{name: "ListOwnTokens", method: "GET", path: fixed("/api/v1/tokens"), other: ok},
		{name: "ListOthersTokens", method: "GET", path: fixed("/api/v1/tokens?user=window-GXQ"), want: map[string]int{"admin": ok, "window-GXQ": ok}, other: forbidden},
		// A token cannot mint another (TestTokenIssue covers sessions).
		{name: "IssueOwnToken", method: "POST", path: fixed("/api/v1/tokens"), body: func(*testing.T) any { return map[string]any{"name": "script", "password": "parkfin-demo"} }, other: forbidden},
		{name: "IssueOthersToken", method: "POST", path: fixed("/api/v1/tokens"), body: func(*testing.T) any { return map[string]any{"name": "x", "user": "city", "password": "parkfin-demo"} },
			other: forbidden},
		{name: "Workdays", method: "GET", path: fixed("/api/v1/calendar/workdays?from=2026-09-30T15:00:00%2B08:00&workdays=5"), other: ok},
		{name: "CalendarYear", method: "GET", path: fixed("/api/v1/calendar/2026"), other: ok},
		{name: "ListCalendarOverrides", method: "GET", path: fixed("/api/v1/calendar/overrides"), other: ok},
		{name: "PutCalendarOverride", method: "PUT", path: fixed("/api/v1/calendar/overrides/2028"), body: func(*testing.T) any {
			return map[string]any{"holidays": []any{map[string]any{"name": "元旦", "days": []string{"2028-01-01"}}}}
		}, want: map[string]int{"admin": ok}, other: forbidden},
		{name: "DeleteCalendarOverride", method: "DELETE", path: fixed("/api/v1/calendar/overrides/2028"),
			want: map[string]int{"admin": http.StatusNoContent}, other: forbidden},
		{name: "VerifyLedger", method: "GET", path: fixed("/api/v1/ledger/verify"), want: map[string]int{"city": ok, "pboc": ok, "admin": ok}, other: forbidden},
		{name: "Session", method: "GET", path: fixed("/api/v1/session"), other: ok},
	}
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		for _, r := range rows {
			t.Run(r.name, func(t *testing.T) {
				for _, user := range matrixUsers {
					// Every user gets a case of its own, in the row's state.
					id := e.open("GXQ").str("id")
					if r.setup != nil {
						r.setup(e, id)
					}
					var body any
					if r.body != nil {
						body = r.body(t)
						if m, ok := body.(map[string]any); ok && m["version"] == 0 {
							cur := e.do("city", "GET", casePath(id), nil).want(t, ok200)
							m["version"] = cur.num("version")
						}
					}
					want, ok := r.want[user]
					if !ok {
						want = r.other
					}
					res := e.do(user, r.method, r.path(id), body)
					if res.Status != want {
						t.Errorf("%s %s as %s: %d, want %d: %s", r.method, r.path(id), user, res.Status, want, res.Raw)
						continue
					}
					if want == hidden {
						// Hidden exactly like a case that does not exist.
						ghost := strings.Repeat("0", len(id)-1) + "1"
						res2 := e.do(user, r.method, r.path(ghost), body)
						if res2.Status != hidden || strings.ReplaceAll(withoutRequestID(res.Raw), id, ghost) != withoutRequestID(res2.Raw) {
							t.Errorf("%s as %s: hidden case answers %s, missing one %s", r.name, user, res.Raw, res2.Raw)
						}
					}
				}
			})
		}
	})
}

const ok200 = http.StatusOK

func merge(a, b map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func merge2(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// TestListsDoNotLeak checks that each organisation's lists hold only the
// cases it may see, and that nothing of another organisation's case (its
// number, its enterprise) appears in the answer.
func TestListsDoNotLeak(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		gxq := e.open("GXQ")
		body := newCase(t, "LLGY")
		body["enterprise"] = map[string]any{"name": "龙岭秘密科技有限公司", "uscc": validUSCC(t, "91430900MA4L00002")}
		llgy := e.do("window-LLGY", "POST", "/api/v1/cases", body).want(t, http.StatusCreated)
		e.fireAs("bank-ICBC", gxq.str("id"), "accept", 1, map[string]any{})
		e.fireAs("bank-ICBC", gxq.str("id"), "invite", 2, map[string]any{"bank": "BOC"})
		sees := map[string][]string{
			"window-GXQ": {gxq.str("id")}, "window-LLGY": {llgy.str("id")},
			"bank-ICBC": {gxq.str("id")}, "bank-ABC": {llgy.str("id")}, "bank-BOC": {gxq.str("id")},
			"bank-CCB":  {},
			"county-GX": {gxq.str("id")}, "county-HS": {llgy.str("id")},
			"city": {gxq.str("id"), llgy.str("id")}, "pboc": {gxq.str("id"), llgy.str("id")}, "admin": {gxq.str("id"), llgy.str("id")},
		}
		secrets := map[string][]string{
			gxq.str("id"):  {gxq.str("number"), "益阳市示范机械制造有限公司"},
			llgy.str("id"): {llgy.str("number"), "龙岭秘密科技有限公司"},
		}
		queries := []string{"", "?q=2026", "?q=" + "%E9%BE%99%E5%B2%AD", "?park=LLGY", "?park=GXQ", "?bank=ICBC", "?bank=ABC", "?state=routed,accepted"}
		for user, visible := range sees {
			for _, q := range queries {
				r := e.do(user, "GET", "/api/v1/cases"+q, nil).want(t, http.StatusOK)
				for _, it := range r.Body["items"].([]any) {
					if id := it.(map[string]any)["id"].(string); !contains(visible, id) {
						t.Errorf("%s ?%s lists case %s it may not see", user, q, id)
					}
				}
				// The counts of the same filter count exactly what the
				// list shows: nothing of another organisation.
				n := e.do(user, "GET", "/api/v1/cases/counts"+q, nil).want(t, http.StatusOK)
				if got, want := n.num("total"), len(r.Body["items"].([]any)); got != want {
					t.Errorf("%s ?%s: counts say %d, the list shows %d", user, q, got, want)
				}
				for id, words := range secrets {
					if contains(visible, id) {
						continue
					}
					for _, w := range words {
						if strings.Contains(string(r.Raw), w) {
							t.Errorf("%s ?%s: answer mentions %q of a case it may not see", user, q, w)
						}
					}
				}
			}
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
