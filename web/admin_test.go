package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// TestAdmin exercises the administrator's pages through their forms.
func TestAdmin(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	admin := e.MustSignIn("admin")

	// Users
	{
		// The new user's organisation is offered by code and name; the
		// users' organisations are named, not coded.
		_, page := admin.get("/admin/users")
		if strings.Contains(page, `<td data-label="单位">ADMIN</td>`) || !strings.Contains(page, `<td data-label="单位">系统管理员</td>`) {
			t.Errorf("the administrator's organisation is shown by its code")
		}
		for _, want := range []string{`<datalist id="u-org-list">`, `<option value="GXQ">益阳高新区</option>`, `<option value="ICBC">`, `<option value="CITY">市政府金融办</option>`, `<option value="AUDIT">安全审计员</option>`} {
			if !strings.Contains(page, want) {
				t.Errorf("the user form does not offer %s", want)
			}
		}
		status, body, _ := admin.post("/admin/users", url.Values{"op": {"create"}, "name": {"window-GXQ-2"}, "role": {"window"}, "org": {"NOPE"}, "password": {"short"}}, true)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "没有编码为“NOPE”的单位") || !strings.Contains(body, "密码至少需要 10 个字符") {
			t.Fatalf("a bad new user: status %d", status)
		}
		status, _, _ = admin.post("/admin/users", url.Values{"op": {"create"}, "name": {"window-GXQ-2"}, "display_name": {"高新区窗口二"},
			"role": {"window"}, "org": {"GXQ"}, "password": {"A-good-password1"}}, true)
		if status != http.StatusSeeOther {
			t.Fatalf("create: status %d", status)
		}
		w := e.MustSignInWith("window-GXQ-2", "A-good-password1")
		// A password the administrator set is changed first.
		if s, _ := w.get("/park"); s != http.StatusSeeOther {
			t.Fatalf("the new user's home before the first change: %d", s)
		}
		if s, _, loc := w.post("/password", url.Values{"current": {"A-good-password1"}, "new": {"Mine-and-only-mine2"}}, true); s != http.StatusSeeOther || loc != "/password?done=1" {
			t.Fatalf("the first change: status %d to %q", s, loc)
		}
		if s, _ := w.get("/park"); s != http.StatusOK {
			t.Fatalf("the new user's home: %d", s)
		}
		if s, _, _ := admin.post("/admin/users", url.Values{"op": {"disable"}, "name": {"window-GXQ-2"}}, true); s != http.StatusSeeOther {
			t.Fatalf("disable: status %d", s)
		}
		if s, _ := w.get("/park"); s != http.StatusSeeOther {
			t.Fatalf("a disabled user's session still works: %d", s)
		}
		if s, _, _ := admin.post("/admin/users", url.Values{"op": {"reset"}, "name": {"bank-ICBC"}, "password": {"Another-password3"}}, true); s != http.StatusSeeOther {
			t.Fatalf("reset: status %d", s)
		}
	}

	// Pairings
	{
		status, body, _ := admin.post("/admin/pairings", url.Values{"year": {"2026"}, "park": {"GXQ"}, "bank": {"CCB"}}, true)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "alert-error") {
			t.Fatalf("an in-year change without a reason: status %d", status)
		}
		status, _, _ = admin.post("/admin/pairings", url.Values{"year": {"2026"}, "park": {"GXQ"}, "bank": {"CCB"}, "reason": {"原主联系行机构调整"}}, true)
		if status != http.StatusSeeOther {
			t.Fatalf("an in-year change with a reason: status %d", status)
		}
		_, body = admin.get("/admin/pairings?year=2026")
		if !strings.Contains(body, "原主联系行机构调整") || !strings.Contains(body, "已调整") {
			t.Fatalf("the pairings page does not show the change and the superseded pairing")
		}
	}

	// Calendar
	{
		status, body, _ := admin.post("/admin/calendar", url.Values{"year": {"2030"}, "data": {"{not json"}}, true)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "格式有误") {
			t.Fatalf("bad JSON: status %d", status)
		}
		status, body, _ = admin.post("/admin/calendar", url.Values{"year": {"2030"},
			"data": {`{"holidays": [{"name": "元旦", "days": ["2030-01-01"]}], "makeup_workdays": []}`}}, true)
		if status != http.StatusSeeOther {
			t.Fatalf("a good notice refused (%d): %s", status, extract(body, "alert-error"))
		}
		if _, body = admin.get("/admin/calendar"); !strings.Contains(body, "2030") {
			t.Fatalf("the calendar page does not list 2030")
		}
	}

	// Ledger
	{
		_, body := admin.get("/admin/ledger?run=1")
		if !strings.Contains(body, "校验通过") {
			t.Fatalf("the ledger check does not pass on a fresh database")
		}
		bank := e.MustSignIn("bank-ABC")
		if s, _ := bank.get("/admin/ledger?run=1"); s != http.StatusForbidden {
			t.Fatalf("a bank may verify the whole ledger: %d", s)
		}
	}

	// Tokens
	{
		w := e.MustSignIn("window-LLGY")
		status, body, _ := w.post("/tokens", url.Values{"name": {"台账导出"}, "ttl_days": {"30"}}, true)
		if status != http.StatusUnprocessableEntity || !strings.Contains(body, "签发令牌需要再次输入您本人的密码") {
			t.Fatalf("issue without the password: status %d", status)
		}
		status, body, _ = w.post("/tokens", url.Values{"name": {"台账导出"}, "ttl_days": {"30"}, "password": {"parkfin-demo"}}, true)
		if status != http.StatusOK || !strings.Contains(body, "pfk_") {
			t.Fatalf("issue: status %d, no secret shown", status)
		}
		if s, _ := w.get("/admin/users"); s != http.StatusForbidden {
			t.Fatalf("a window may list users: %d", s)
		}
	}
}

// extract returns some text after the marker, for a failure message.
func extract(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return ""
	}
	end := min(len(body), i+300)
	return body[i:end]
}
