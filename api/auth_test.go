package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// signIn signs the user in with the demo password and returns the session
// cookie and the CSRF token.
func (e *env) signIn(user string) (*http.Cookie, string) {
	e.t.Helper()
	r := e.do("", "POST", "/api/v1/session", map[string]any{"user": user, "password": "parkfin-demo"}).want(e.t, http.StatusCreated)
	var ck *http.Cookie
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == api.SessionCookie {
			ck = c
		}
	}
	if ck == nil {
		e.t.Fatalf("no session cookie: %v", r.Header)
	}
	return ck, r.str("csrf_token")
}

// withCookie sends a request with the session cookie and, when csrf is not
// empty, the CSRF header.
func (e *env) withCookie(ck *http.Cookie, csrf, method, path, body string) response {
	e.t.Helper()
	req, err := http.NewRequestWithContext(e.ctx, method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.AddCookie(ck)
	if csrf != "" {
		req.Header.Set(api.CSRFHeader, csrf)
	}
	return e.send(req)
}

// issue issues a token in a cookie session of the user, as a person does:
// a token cannot mint another.
func (e *env) issue(user, body string) response {
	e.t.Helper()
	ck, csrf := e.signIn(user)
	return e.withCookie(ck, csrf, "POST", "/api/v1/tokens", body)
}

func TestAuthentication(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		t.Run("ErrNoCredentials", func(t *testing.T) {
			r := e.do("", "GET", "/api/v1/cases", nil).want(t, http.StatusUnauthorized, "unauthenticated")
			if r.Header.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate")
			}
		})
		t.Run("ErrBadToken", func(t *testing.T) {
			e.do("", "GET", "/api/v1/cases", nil, "Authorization", "Bearer pfk_"+strings.Repeat("A", 43)).want(t, http.StatusUnauthorized, "unauthenticated")
			e.do("", "GET", "/api/v1/cases", nil, "Authorization", "Basic YWRtaW46eA==").want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("Session", func(t *testing.T) {
			r := e.do("", "POST", "/api/v1/session", map[string]any{"user": "window-GXQ", "password": "parkfin-demo"}).want(t, http.StatusCreated)
			set := r.Header.Get("Set-Cookie")
			for _, attr := range []string{"HttpOnly", "SameSite=Lax", "Path=/"} {
				if !strings.Contains(set, attr) {
					t.Errorf("cookie %q lacks %s", set, attr)
				}
			}
			if strings.Contains(set, "Secure") {
				t.Errorf("cookie %q is Secure over plain HTTP", set)
			}
			ck, csrf := e.signIn("window-GXQ")
			me := e.withCookie(ck, "", "GET", "/api/v1/session", "").want(t, http.StatusOK)
			if me.Body["user"].(map[string]any)["role"] != "window" || me.str("csrf_token") != csrf {
				t.Fatalf("session: %s", me.Raw)
			}
			body := `{"park":"GXQ","enterprise":{"name":"某某公司","uscc":"` + validUSCC(t, "91430900MA4L00001") + `"},"need":"贷款咨询"}`
			e.withCookie(ck, "", "POST", "/api/v1/cases", body).want(t, http.StatusForbidden, "forbidden")
			e.withCookie(ck, "wrong", "POST", "/api/v1/cases", body).want(t, http.StatusForbidden, "forbidden")
			e.withCookie(ck, csrf, "POST", "/api/v1/cases", body).want(t, http.StatusCreated)
			e.withCookie(ck, csrf, "DELETE", "/api/v1/session", "").want(t, http.StatusNoContent)
			e.withCookie(ck, csrf, "GET", "/api/v1/cases", "").want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("SessionExpires", func(t *testing.T) {
			ck, _ := e.signIn("city")
			e.clock.Advance(13 * time.Hour)
			defer e.clock.Set(start)
			e.withCookie(ck, "", "GET", "/api/v1/cases", "").want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("ErrWrongPassword", func(t *testing.T) {
			e.do("", "POST", "/api/v1/session", map[string]any{"user": "pboc", "password": "nope"}).want(t, http.StatusUnauthorized, "unauthenticated")
			e.do("", "POST", "/api/v1/session", map[string]any{"user": "nobody", "password": "nope"}).want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("RateLimitPerAccount", func(t *testing.T) {
			var last response
			for i := 0; i < 6; i++ {
				last = e.do("", "POST", "/api/v1/session", map[string]any{"user": "county-GX", "password": "wrong"})
			}
			last.want(t, http.StatusTooManyRequests, "rate_limited")
			if last.Header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			// Even the right password waits now.
			e.do("", "POST", "/api/v1/session", map[string]any{"user": "county-GX", "password": "parkfin-demo"}).want(t, http.StatusTooManyRequests, "rate_limited")
		})
		t.Run("TokenLifecycle", func(t *testing.T) {
			r := e.issue("bank-ICBC", `{"name": "ERP", "ttl_days": 1, "password": "parkfin-demo"}`).want(t, http.StatusCreated)
			secret, id := r.str("token"), r.str("id")
			if !strings.HasPrefix(secret, "pfk_") {
				t.Fatalf("token %q", secret)
			}
			use := func() response {
				return e.do("", "GET", "/api/v1/session", nil, "Authorization", "Bearer "+secret)
			}
			use().want(t, http.StatusOK)
			list := e.do("bank-ICBC", "GET", "/api/v1/tokens", nil).want(t, http.StatusOK)
			if strings.Contains(string(list.Raw), secret) {
				t.Fatal("token list shows a secret")
			}
			// Someone else's token is not found; the owner revokes it.
			e.do("bank-ABC", "DELETE", "/api/v1/tokens/"+id, nil).want(t, http.StatusNotFound, "not_found")
			e.do("bank-ABC", "GET", "/api/v1/tokens?user=bank-ICBC", nil).want(t, http.StatusForbidden, "forbidden")
			e.do("bank-ICBC", "DELETE", "/api/v1/tokens/"+id, nil).want(t, http.StatusNoContent)
			use().want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("TokenExpires", func(t *testing.T) {
			r := e.issue("bank-ABC", `{"name": "short", "ttl_days": 1, "password": "parkfin-demo"}`).want(t, http.StatusCreated)
			e.clock.Advance(25 * time.Hour)
			defer e.clock.Set(start)
			e.do("", "GET", "/api/v1/session", nil, "Authorization", "Bearer "+r.str("token")).want(t, http.StatusUnauthorized, "unauthenticated")
		})
		t.Run("DisabledUser", func(t *testing.T) {
			e.token("window-AHJK")
			e.do("admin", "PUT", "/api/v1/users/window-AHJK", map[string]any{"display_name": "安化", "role": "window", "org": "AHJK", "disabled": true}).want(t, http.StatusOK)
			e.do("window-AHJK", "GET", "/api/v1/cases", nil).want(t, http.StatusUnauthorized, "unauthenticated")
		})
	})
}

func TestSecureCookie(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{SecureCookies: true})
	r := e.do("", "POST", "/api/v1/session", map[string]any{"user": "city", "password": "parkfin-demo"}).want(t, http.StatusCreated)
	if !strings.Contains(r.Header.Get("Set-Cookie"), "Secure") {
		t.Fatalf("cookie %q is not Secure", r.Header.Get("Set-Cookie"))
	}
}

func TestRateLimitPerAddress(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{BehindProxy: true,
		SignInLimits: api.SignInLimits{AddressBurst: 3, AddressEvery: time.Hour}})
	try := func(user, addr string) response {
		return e.do("", "POST", "/api/v1/session", map[string]any{"user": user, "password": "wrong"}, "X-Forwarded-For", addr)
	}
	for _, user := range []string{"city", "pboc", "admin"} {
		try(user, "10.0.0.1").want(t, http.StatusUnauthorized, "unauthenticated")
	}
	// A fourth account from the same address waits; another address does not.
	try("county-GX", "10.0.0.1").want(t, http.StatusTooManyRequests, "rate_limited")
	try("county-GX", "10.0.0.2").want(t, http.StatusUnauthorized, "unauthenticated")
}
