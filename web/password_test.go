package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestChangePassword changes one's own password through the form.
func TestChangePassword(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	c := e.MustSignIn("county-GX")
	status, body, _ := c.post("/password", url.Values{"current": {"wrong"}, "new": {"short"}}, true)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "当前密码不正确") || !strings.Contains(body, "至少需要 10 个字符") {
		t.Fatalf("wrong current and short new password: status %d", status)
	}
	if status, _, _ = c.post("/password", url.Values{"current": {"parkfin-demo"}, "new": {"A-new-long-password1"}}, false); status != http.StatusForbidden {
		t.Fatalf("a change without the CSRF token: status %d, want 403", status)
	}
	if status, _, loc := c.post("/password", url.Values{"current": {"parkfin-demo"}, "new": {"A-new-long-password1"}}, true); status != http.StatusSeeOther || loc != "/password?done=1" {
		t.Fatalf("change: status %d to %q", status, loc)
	}
	e.MustSignInWith("county-GX", "A-new-long-password1")
	anon := &client{e: e, http: &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if status, _, _ := anon.post("/signin", url.Values{"user": {"county-GX"}, "password": {"parkfin-demo"}}, false); status != http.StatusUnauthorized {
		t.Fatalf("the old password still signs in: %d", status)
	}
}

// TestSignInRateLimit: the sign-in form is limited per account like the
// API (five attempts at once, then one every twelve seconds).
func TestSignInRateLimit(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	anon := &client{e: e, http: &http.Client{}}
	var status int
	var body string
	for i := 0; i < 6; i++ {
		status, body, _ = anon.post("/signin", url.Values{"user": {"bank-ABC"}, "password": {"guess"}}, false)
	}
	if status != http.StatusTooManyRequests || !strings.Contains(body, "登录尝试过于频繁") {
		t.Fatalf("the sixth wrong password: status %d", status)
	}
}
