package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// A park window registers its contacts with the form of the list and
// announces a change: the case page says when it must be filed, the
// offices may read but not act, and a second registration is refused in
// words. The public page is read without signing in, in both languages.
func TestContactsPages(t *testing.T) {
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, time.Second)
			e.x.Clock.Set(time.Date(2026, 2, 9, 10, 0, 0, 0, calendar.Location()))
			window := e.MustSignIn("window-GXQ")
			form := url.Values{
				"first.name": {"陈主任"}, "first.position": {"管委会主任"}, "first.phone": {"0737-2221001"},
				"second.name": {"林副主任"}, "second.position": {"管委会副主任"}, "second.phone": {"0737-2221002"},
				"department.name": {"企业融资服务窗口"}, "department.phone": {"0737-2221000"},
				"liaison.name": {"何窗口"}, "liaison.position": {"窗口专员"}, "liaison.phone": {"13807372000"}, "liaison.email": {"window@gxq.example.cn"},
			}
			status, _, loc := window.post("/duties/contacts", form, true)
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
				t.Fatalf("register: %d → %q", status, loc)
			}
			path := strings.SplitN(loc, "?", 2)[0]
			status, body, _ := window.post("/duties/contacts", form, true)
			if status != http.StatusConflict || !strings.Contains(body, "已存在") {
				t.Fatalf("a second register: %d", status)
			}
			_, page := window.get(path)
			version := regexpVersion(t, page)
			status, _, _ = window.post(path, url.Values{"_event": {"announce"}, "_version": {version},
				"effective": {"2026-02-13"}, "note": {"联络员调整为郑窗口"}}, true)
			if status != http.StatusSeeOther {
				t.Fatalf("announce: %d", status)
			}
			_, page = window.get(path)
			for _, want := range []string{"变更待报备", "已预报变更：2026-02-13 生效，须在 2026-02-25 24:00 前报备。", "联络员调整为郑窗口", "何窗口", "value=\"陈主任\""} {
				if !strings.Contains(page, want) {
					t.Fatalf("the case page lacks %q", want)
				}
			}
			county := e.MustSignIn("county-GX")
			if status, page := county.get(path); status != http.StatusOK || strings.Contains(page, `name="_event"`) {
				t.Fatalf("the county office reads the register (%d) with forms: %v", status, strings.Contains(page, `name="_event"`))
			}
			if _, list := county.get("/duties/contacts"); !strings.Contains(list, "益阳高新区") || strings.Contains(list, "duty-open") {
				t.Fatal("the county's list does not list the park, or offers to register")
			}

			anon := &client{e: e, http: &http.Client{}}
			status, pub := anon.get("/contacts")
			if status != http.StatusOK || !strings.Contains(pub, "何窗口（窗口专员）") || strings.Contains(pub, "陈主任") || strings.Contains(pub, "0737-2221001") {
				t.Fatalf("the public page (%d) reads:\n%s", status, pub)
			}
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/contacts", nil)
			req.Header.Set("Accept-Language", "en-US")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("in English: %d", res.StatusCode)
			}
		})
	}
}

var versionRE = regexp.MustCompile(`name="_version" value="([0-9]+)"`)

func regexpVersion(t *testing.T, page string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no form on the case page")
	}
	return m[1]
}
