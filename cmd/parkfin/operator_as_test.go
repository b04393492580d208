package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/notify"
)

// Events fired at the command line with --as are recorded as
// "operator:<os user> as <user>", and everything that looks the user up
// from the actor still finds the user: the actor hears nothing of its own
// move while the others are told, the case page names the user by its
// display name with the operator beside it, and an audit entry of such an
// actor names the user with the operator in Via.
func TestOperatorAsLookups(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		ctx := context.Background()
		mustRun(t, "demo", "seed")
		var parks []struct{ Code, County string }
		mustJSONOut(t, &parks, "park", "list")
		county := ""
		for _, p := range parks {
			if p.Code == "GXQ" {
				county = "county-" + p.County
			}
		}
		var opened struct{ ID, Number string }
		mustJSONOut(t, &opened, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
			"--uscc", "91430900MA4L00010R", "--need", "流动资金贷款 200 万元")
		mustRun(t, "case", "fire", "--as", "window-GXQ", opened.Number, "withdraw", "--set", "reason=企业已自筹资金")
		mustRun(t, "case", "fire", "--as", "window-GXQ", opened.Number, "follow_up", "--set", "satisfaction=dissatisfied")
		// A reopening by the county office is copied to the county office:
		// the county user who fired it must not hear of it.
		mustRun(t, "case", "fire", "--as", county, opened.Number, "reopen", "--set", "reason=企业再次提出需求")

		cfg, err := LoadConfig("")
		if err != nil {
			t.Fatal(err)
		}
		m := NewMain(cfg, io.Discard)
		if err := m.Open(ctx, OpenOptions{}); err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if _, err := m.Notify.Dispatch(ctx); err != nil {
			t.Fatal(err)
		}
		inbox := func(user string) []notify.Item {
			items, err := m.Notify.Inbox(ctx, notify.InboxFilter{User: user, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return items
		}
		lead, err := m.Store.LeadBank(ctx, "GXQ", m.Clock.Now().Year())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(inbox("bank-" + lead.Bank)); n != 2 {
			t.Errorf("the lead bank has %d messages, want 2 (opened, reopened)", n)
		}
		if items := inbox(county); len(items) != 1 {
			t.Errorf("the county office that reopened the case has %d messages, want 1 (the opening only): %+v", len(items), items)
		}

		// The case page names the people by display name, the operator
		// beside them.
		srv := httptest.NewServer(m.handler(ctx))
		defer srv.Close()
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		get := func(path string) string {
			res, err := client.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return string(b)
		}
		token := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(get("/signin"))
		if token == nil {
			t.Fatal("no token on the sign-in form")
		}
		res, err := client.PostForm(srv.URL+"/signin", url.Values{"user": {"city"}, "password": {"parkfin-demo"}, "_csrf": {token[1]}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign in: %d", res.StatusCode)
		}
		window, err := m.Store.User(ctx, "window-GXQ")
		if err != nil {
			t.Fatal(err)
		}
		page := get("/cases/" + opened.ID)
		if !strings.Contains(page, window.DisplayName+" · 命令行代为操作： "+operator()) {
			t.Fatalf("the timeline does not name %s (%s) with the operator:\n%s", window.DisplayName, operator(), page)
		}
		if strings.Contains(page, operator()+" as ") {
			t.Fatal("the timeline shows the raw actor name")
		}

		// The ledger keeps the real actor.
		var shown struct{ Ledger []struct{ Actor string } }
		mustJSONOut(t, &shown, "case", "show", opened.ID)
		if len(shown.Ledger) != 4 || shown.Ledger[3].Actor != engine.OperatorAs(operator(), county) {
			t.Fatalf("%+v", shown.Ledger)
		}
		a, err := actor(ctx, m, "window-GXQ")
		if err != nil {
			t.Fatal(err)
		}
		if a.Name() != "window-GXQ" || a.Operator() != operator() {
			t.Fatalf("actor %+v: name %q operator %q", a, a.Name(), a.Operator())
		}
		e := audit.ActorEntry(a, "cli", "", audit.ExportDownload, "x", audit.OK)
		if e.Actor != "window-GXQ" || e.Via != a.User {
			t.Fatalf("audit entry of an operator acting as a user: %+v", e)
		}
	})
}
