package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/web"
)

// rawKey matches a catalogue key shown as text: a word that is missing.
var rawKey = regexp.MustCompile(`\b(web|financing|role|time|engine)\.[a-z_]+(\.[a-z_]+)*\b`)

// MustRegister registers a case through the window's form and returns its
// page's path.
func MustRegister(t *testing.T, w *client, name string, extra url.Values) string {
	t.Helper()
	form := url.Values{"enterprise.name": {name}, "enterprise.uscc": {validUSCC},
		"need": {"流动资金贷款，了解抵押条件和办理流程。"}, "amount": {"1,500,000"}}
	for k, v := range extra {
		form[k] = v
	}
	status, body, loc := w.post("/register", form, true)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		t.Fatalf("register: status %d, location %q\n%s", status, loc, body)
	}
	return strings.SplitN(loc, "?", 2)[0]
}

// TestEveryPageInBothLanguages renders every page for every role in
// Chinese and in English and fails on any word the catalogue lacks.
func TestEveryPageInBothLanguages(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	win := e.MustSignIn("window-GXQ")
	casePath := MustRegister(t, win, "益阳市示范机械制造有限公司", nil)
	pages := map[string][]string{
		"window-GXQ":  {"/park", "/park?tab=answered", "/park?tab=follow_up", "/park?tab=closed", "/register", casePath, casePath + "/receipt", "/search?q=示范", "/password", "/tokens", "/admin/users"},
		"bank-ICBC":   {"/inbox", "/inbox?tab=working", "/inbox?tab=due_soon", "/inbox?tab=past_due", "/inbox?tab=supervised", casePath, "/search?q=" + validUSCC},
		"county-GX":   {"/board", "/cases", "/cases?past_due=1&park=GXQ&from=2026-01-01&to=2026-12-31", casePath},
		"city":        {"/board", casePath, "/nowhere"},
		"pboc":        {"/board"},
		"pboc-AH":     {"/board", "/cases", "/stats", "/greenchannel", "/duties/visits", "/duties/contacts", "/search?q=示范"},
		"window-LLGY": {casePath},
		"auditor":     {"/audit", "/audit?action=signin"},
	}
	for _, lang := range []string{"zh-CN", "en"} {
		for user, paths := range pages {
			c := e.MustSignIn(user)
			c.get("/lang/" + lang)
			for _, p := range paths {
				status, body := c.get(p)
				want := http.StatusOK
				if p == "/nowhere" || user == "window-LLGY" {
					want = http.StatusNotFound // another park's case is as absent as a missing page
				}
				if strings.HasPrefix(p, "/admin/users") && user != "admin" {
					want = http.StatusForbidden
				}
				if status != want {
					t.Fatalf("%s %s %s: status %d, want %d\n%s", lang, user, p, status, want, body)
				}
				if m := rawKey.FindString(body); m != "" {
					t.Errorf("%s %s %s: shows the raw key %q", lang, user, p, m)
				}
				if lang == "zh-CN" && !strings.Contains(body, `lang="zh-CN"`) {
					t.Errorf("%s %s: not in Chinese", user, p)
				}
			}
		}
		anon := &client{e: e, http: &http.Client{}}
		_, body := anon.get("/")
		if m := rawKey.FindString(body); m != "" {
			t.Errorf("%s sign-in page shows the raw key %q", lang, m)
		}
	}
	if missing := web.MissingKeys(); len(missing) > 0 {
		t.Fatalf("pages asked for words the catalogue lacks: %v", missing)
	}
}
