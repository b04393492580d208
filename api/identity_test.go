package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// cookieOf returns the session cookie a response set.
func cookieOf(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == api.SessionCookie {
			return c
		}
	}
	t.Fatalf("no session cookie: %v", r.Header)
	return nil
}

// auditHas reports whether the log has an entry of the action on target
// with the result.
func auditHas(t *testing.T, e *env, action, target, result string) bool {
	t.Helper()
	entries, err := e.store.AuditEntries(context.Background(), audit.Filter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.Target == target && en.Result == result {
			return true
		}
	}
	return false
}

// Five wrong passwords within 15 minutes lock the account for 15 minutes,
// counted in the database: the failures seen by two servers (two
// processes) add up, and the lock holds on both, also for the right
// password, until it ends or the administrator lifts it.
func TestLockout(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		a := MustEnv(t, db, api.Config{})
		b := envOn(t, a.x.Another(t), api.Config{})
		wrong := map[string]any{"user": "bank-ICBC", "password": "Wrong-guess-1"}
		right := map[string]any{"user": "bank-ICBC", "password": "parkfin-demo"}
		for i := 0; i < 2; i++ {
			a.do("", "POST", "/api/v1/session", wrong).want(t, http.StatusUnauthorized, "unauthenticated")
			b.do("", "POST", "/api/v1/session", wrong).want(t, http.StatusUnauthorized, "unauthenticated")
		}
		r := a.do("", "POST", "/api/v1/session", wrong, "Accept-Language", "zh-CN").want(t, http.StatusLocked, "account_locked")
		if d := r.str("detail"); !strings.Contains(d, "已锁定") || !strings.Contains(d, "2026-03-02 10:15") {
			t.Fatalf("the lock-out does not say until when: %q", d)
		}
		b.do("", "POST", "/api/v1/session", right).want(t, http.StatusLocked, "account_locked")
		// The administrator sees it.
		u := a.do("admin", "GET", "/api/v1/users", nil).want(t, http.StatusOK)
		found := false
		for _, it := range u.Body["items"].([]any) {
			m := it.(map[string]any)
			if m["name"] == "bank-ICBC" {
				found = m["locked_until"] != nil
			}
		}
		if !found {
			t.Fatal("the user list does not show the lock")
		}
		if !auditHas(t, a, audit.Lockout, "bank-ICBC", audit.Locked) || !auditHas(t, a, audit.SignIn, "bank-ICBC", audit.Failed) {
			t.Fatal("the lock-out is not in the audit log")
		}
		// A restart changes nothing: a third server on the same database.
		c := envOn(t, a.x.Another(t), api.Config{})
		c.do("", "POST", "/api/v1/session", right).want(t, http.StatusLocked, "account_locked")
		a.clock.Advance(15 * time.Minute)
		c.do("", "POST", "/api/v1/session", right).want(t, http.StatusCreated)

		// Another account: the administrator unlocks it early.
		w := map[string]any{"user": "bank-ABC", "password": "Wrong-guess-1"}
		for i := 0; i < 4; i++ {
			a.do("", "POST", "/api/v1/session", w).want(t, http.StatusUnauthorized)
		}
		b.do("", "POST", "/api/v1/session", w).want(t, http.StatusLocked, "account_locked")
		a.do("bank-ICBC", "POST", "/api/v1/users/bank-ABC/unlock", nil).want(t, http.StatusForbidden, "forbidden")
		a.do("admin", "POST", "/api/v1/users/bank-ABC/unlock", nil).want(t, http.StatusOK)
		b.do("", "POST", "/api/v1/session", map[string]any{"user": "bank-ABC", "password": "parkfin-demo"}).want(t, http.StatusCreated)
	})
}

// A session ends after 30 minutes without a request, well before its
// absolute life.
func TestIdleTimeout(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		ck, _ := e.signIn("city")
		e.clock.Advance(29 * time.Minute)
		e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusOK)
		e.clock.Advance(29 * time.Minute)
		e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusOK)
		e.clock.Advance(30 * time.Minute)
		e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusUnauthorized, "unauthenticated")
		// A configured timeout.
		f := envOn(t, e.x.Another(t), api.Config{Policy: api.Policy{IdleTimeout: 5 * time.Minute}})
		ck, _ = f.signIn("city")
		f.clock.Advance(6 * time.Minute)
		f.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusUnauthorized, "unauthenticated")
	})
}

// Changing one's password checks the policy and the history, ends every
// session and token of the user, and continues in a new session.
func TestPasswordChange(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		tok := e.token("county-GX")
		other, _ := e.signIn("county-GX")
		ck, csrf := e.signIn("county-GX")
		change := func(ck *http.Cookie, csrf, cur, next string) response {
			return e.withCookie(ck, csrf, "POST", "/api/v1/session/password", `{"current": "`+cur+`", "new": "`+next+`"}`)
		}
		change(ck, csrf, "parkfin-demo", "alllowercaseletters").want(t, http.StatusUnprocessableEntity, "validation_failed")
		change(ck, csrf, "parkfin-demo", "county-GX-Pass1").want(t, http.StatusUnprocessableEntity, "validation_failed")
		change(ck, csrf, "Wrong-current-1", "Brand-new-pass1").want(t, http.StatusUnprocessableEntity, "validation_failed")
		r := change(ck, csrf, "parkfin-demo", "Brand-new-pass1").want(t, http.StatusOK)
		ck2, csrf2 := cookieOf(t, r), r.str("csrf_token")
		e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusUnauthorized)
		e.withCookie(other, "", "GET", "/api/v1/session", "").want(t, http.StatusUnauthorized)
		e.do("", "GET", "/api/v1/session", nil, "Authorization", "Bearer "+tok).want(t, http.StatusUnauthorized)
		e.withCookie(ck2, "", "GET", "/api/v1/session", "").want(t, http.StatusOK)
		if !auditHas(t, e, audit.PasswordChange, "county-GX", audit.OK) {
			t.Fatal("the change is not in the audit log")
		}
		// None of the last five again.
		cur := "Brand-new-pass1"
		for _, next := range []string{"Second-pass-2", "Third-pass-3", "Fourth-pass-4", "Fifth-pass-5"} {
			r := change(ck2, csrf2, cur, next).want(t, http.StatusOK)
			ck2, csrf2, cur = cookieOf(t, r), r.str("csrf_token"), next
		}
		r = change(ck2, csrf2, cur, "Brand-new-pass1").want(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(string(r.Raw), "reused") {
			t.Fatalf("a reused password: %s", r.Raw)
		}
		// After 90 days the user is asked, not stopped.
		e.clock.Advance(91 * 24 * time.Hour)
		s := e.do("", "POST", "/api/v1/session", map[string]any{"user": "county-GX", "password": cur}).want(t, http.StatusCreated)
		if s.str("password_state") != "expired" {
			t.Fatalf("password_state %q after 91 days", s.str("password_state"))
		}
		e.withCookie(cookieOf(t, s), "", "GET", "/api/v1/cases?workflow=financing", "").want(t, http.StatusOK)
	})
}

// A user the administrator creates changes the password at first sign-in;
// until then nothing else works.
func TestFirstSignIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.do("admin", "PUT", "/api/v1/users/w9", map[string]any{"display_name": "窗口九", "role": "window", "org": "GXQ", "password": "Initial-pass-9"}).
			want(t, http.StatusOK)
		r := e.do("", "POST", "/api/v1/session", map[string]any{"user": "w9", "password": "Initial-pass-9"}).want(t, http.StatusCreated)
		if r.str("password_state") != "required" {
			t.Fatalf("password_state %q", r.str("password_state"))
		}
		ck, csrf := cookieOf(t, r), r.str("csrf_token")
		e.withCookie(ck, "", "GET", "/api/v1/cases?workflow=financing", "").want(t, http.StatusForbidden, "password_change_required")
		r = e.withCookie(ck, csrf, "POST", "/api/v1/session/password", `{"current": "Initial-pass-9", "new": "My-own-pass-9"}`).want(t, http.StatusOK)
		if r.str("password_state") != "" {
			t.Fatalf("password_state %q after the change", r.str("password_state"))
		}
		e.withCookie(cookieOf(t, r), "", "GET", "/api/v1/cases?workflow=financing", "").want(t, http.StatusOK)
	})
}

// Disabling a user ends its sessions and revokes its tokens; enabling it
// again does not bring them back.
func TestDisableRevokes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		tok := e.token("window-AHJK")
		ck, _ := e.signIn("window-AHJK")
		body := map[string]any{"display_name": "安化", "role": "window", "org": "AHJK", "disabled": true}
		e.do("admin", "PUT", "/api/v1/users/window-AHJK", body).want(t, http.StatusOK)
		body["disabled"] = false
		e.do("admin", "PUT", "/api/v1/users/window-AHJK", body).want(t, http.StatusOK)
		e.do("window-AHJK", "GET", "/api/v1/session", nil).want(t, http.StatusUnauthorized)
		e.do("", "GET", "/api/v1/session", nil, "Authorization", "Bearer "+tok).want(t, http.StatusUnauthorized)
		e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusUnauthorized)
		if !auditHas(t, e, audit.UserDisable, "window-AHJK", audit.OK) {
			t.Fatal("the disable is not in the audit log")
		}
	})
}

// Issuing a token needs the password again; a token cannot mint another;
// the administrator's token for another user names its issuer, and
// requests with it say so in the audit log.
func TestTokenIssue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.issue("bank-ICBC", `{"name": "ERP", "password": "Wrong-pass-1"}`).want(t, http.StatusUnprocessableEntity, "validation_failed")
		r := e.issue("bank-ICBC", `{"name": "ERP", "password": "parkfin-demo"}`).want(t, http.StatusCreated)
		if r.str("issued_by") != "bank-ICBC" {
			t.Fatalf("issued_by %q", r.str("issued_by"))
		}
		e.do("", "POST", "/api/v1/tokens", map[string]any{"name": "more", "password": "parkfin-demo"}, "Authorization", "Bearer "+r.str("token")).
			want(t, http.StatusForbidden, "forbidden")
		e.issue("bank-ICBC", `{"name": "x", "user": "city", "password": "parkfin-demo"}`).want(t, http.StatusForbidden, "forbidden")
		s := e.issue("admin", `{"name": "监管报送", "user": "city", "password": "parkfin-demo"}`).want(t, http.StatusCreated)
		if s.str("issued_by") != "admin" || s.str("user") != "city" {
			t.Fatalf("%s", s.Raw)
		}
		// A forbidden request with it names the administrator.
		e.do("", "GET", "/api/v1/users", nil, "Authorization", "Bearer "+s.str("token")).want(t, http.StatusForbidden)
		entries, err := e.store.AuditEntries(context.Background(), audit.Filter{Action: audit.Forbidden, Actor: "city"})
		if err != nil || len(entries) == 0 || entries[0].Via != "token issued by admin" {
			t.Fatalf("%+v %v", entries, err)
		}
		if !auditHas(t, e, audit.TokenIssue, "city", audit.OK) || !auditHas(t, e, audit.TokenIssue, "bank-ICBC", audit.Refused) {
			t.Fatal("the token issues are not in the audit log")
		}
	})
}

// The auditor reads and exports the log, filtered and a page at a time;
// nobody else may; the chain verifies and a change is detected.
func TestAuditLog(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		for _, u := range []string{"city", "pboc", "bank-ICBC"} {
			e.signIn(u)
		}
		e.do("", "POST", "/api/v1/session", map[string]any{"user": "nobody", "password": "x"}).want(t, http.StatusUnauthorized)
		e.do("", "POST", "/api/v1/session", map[string]any{"user": "=HYPERLINK(1)", "password": "x"}).want(t, http.StatusUnauthorized)
		e.do("admin", "GET", "/api/v1/audit", nil).want(t, http.StatusForbidden, "forbidden")
		e.do("city", "GET", "/api/v1/audit/export", nil).want(t, http.StatusForbidden, "forbidden")
		r := e.do("auditor", "GET", "/api/v1/audit?action=signin&limit=2", nil).want(t, http.StatusOK)
		items := r.Body["items"].([]any)
		if len(items) != 2 || r.str("next_cursor") == "" {
			t.Fatalf("%s", r.Raw)
		}
		first := items[0].(map[string]any)
		if first["action"] != "signin" || first["addr"] == "" {
			t.Fatalf("%v", first)
		}
		next := e.do("auditor", "GET", "/api/v1/audit?action=signin&limit=2&after="+r.str("next_cursor"), nil).want(t, http.StatusOK)
		if n := next.Body["items"].([]any); len(n) != 2 || n[0].(map[string]any)["seq"].(float64) >= items[1].(map[string]any)["seq"].(float64) {
			t.Fatalf("second page %s", next.Raw)
		}
		denied := e.do("auditor", "GET", "/api/v1/audit?action=forbidden&actor=admin", nil).want(t, http.StatusOK)
		if len(denied.Body["items"].([]any)) != 1 {
			t.Fatalf("the administrator's 403 is not logged once: %s", denied.Raw)
		}
		csv := e.do("auditor", "GET", "/api/v1/audit/export?result=failed", nil).want(t, http.StatusOK)
		if !strings.Contains(string(csv.Raw), "nobody") || !strings.HasPrefix(string(csv.Raw), "\ufeffseq,at,actor") ||
			!strings.Contains(string(csv.Raw), "'=HYPERLINK(1)") {
			t.Fatalf("%s", csv.Raw)
		}
		if !auditHas(t, e, audit.AuditExport, "audit_log", audit.OK) {
			t.Fatal("the export is not in the audit log")
		}
		rep, err := audit.Verify(context.Background(), e.store)
		if err != nil || !rep.OK() || rep.Entries < 6 {
			t.Fatalf("%+v %v", rep, err)
		}
		if err := e.store.DB().Exec("UPDATE audit_log SET actor = 'someone' WHERE seq = 2").Error; err != nil {
			t.Fatal(err)
		}
		if rep, _ := audit.Verify(context.Background(), e.store); rep.OK() {
			t.Fatal("an edited entry verifies")
		}
	})
}
