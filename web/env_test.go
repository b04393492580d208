package web_test

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
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/notify"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/web"
)

// start is a Monday morning with published calendar data around it.
var start = time.Date(2026, time.March, 2, 10, 0, 0, 0, calendar.Location())

// env is the web application on the real engine over a fresh database with
// the demo data and a fake clock, served on loopback.
type env struct {
	t   testing.TB
	x   *enginetest.Env
	srv *httptest.Server
	// notify keeps the in-app messages behind the bell (no sending channels).
	notify *notify.Service
	// report is the supervision side the board and the inbox's counts read.
	report *report.Service
}

// MustEnv starts the web application over a fresh database of the kind db.
func MustEnv(t testing.TB, db testsvc.Database, poll time.Duration) *env {
	t.Helper()
	x := enginetest.New(t, db, start)
	n := notify.New(notify.Config{Store: x.Store, Clock: x.Clock})
	rep := mustReport(t, x)
	h := web.New(web.Config{Engine: x.Engine, Auth: x.Store, Calendar: x.Overrides.Live(), Overrides: x.Overrides,
		Demo: true, Poll: poll, BoardTTL: 300 * time.Millisecond, Notify: n, Report: rep})
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, x: x, srv: srv, notify: n, report: rep}
}

// drain fires the timers that are due.
func (e *env) drain() {
	e.t.Helper()
	if _, err := e.x.Worker.Drain(context.Background()); err != nil {
		e.t.Fatalf("drain: %v", err)
	}
}

// client is one signed-in person's HTTP client.
type client struct {
	e    *env
	http *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// MustSignIn signs the demo user in through the sign-in form.
func (e *env) MustSignIn(user string) *client {
	e.t.Helper()
	return e.MustSignInWith(user, "parkfin-demo")
}

// MustSignInWith signs a user in with the password.
func (e *env) MustSignInWith(user, pw string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{e: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, _, _ := c.post("/signin", url.Values{"user": {user}, "password": {pw}}, false)
	if status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: status %d", user, status)
	}
	_, body := c.get("/password")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no CSRF token on the page for %s:\n%s", user, body)
	}
	c.csrf = m[1]
	return c
}

// loginToken opens the sign-in page, as a browser does before it signs in,
// and returns the form's token (its cookie goes into the jar).
func (c *client) loginToken() string {
	c.e.t.Helper()
	if c.http.Jar == nil {
		c.http.Jar, _ = cookiejar.New(nil)
	}
	_, body := c.get("/signin")
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		c.e.t.Fatalf("no token on the sign-in form:\n%s", body)
	}
	return m[1]
}

func (c *client) get(path string) (int, string) {
	c.e.t.Helper()
	res, err := c.http.Get(c.e.srv.URL + path)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post submits a form, with the CSRF token when withCSRF; it returns the
// status, the body and the redirect target.
func (c *client) post(path string, form url.Values, withCSRF bool) (int, string, string) {
	c.e.t.Helper()
	if withCSRF {
		form.Set("_csrf", c.csrf)
	}
	if path == "/signin" && form.Get("_csrf") == "" {
		form.Set("_csrf", c.loginToken())
	}
	res, err := c.http.Post(c.e.srv.URL+path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header.Get("Location")
}

// validUSCC is a credit code that passes its check.
const validUSCC = "91430900MA4L00010R"
