package api_test

import (
	"bufio"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

var requestIDField = regexp.MustCompile(`,"request_id":"[0-9a-f]+"`)

// withoutRequestID is a problem document without its request identifier,
// which differs from one answer to the next.
func withoutRequestID(raw []byte) string { return requestIDField.ReplaceAllString(string(raw), "") }

// Every answer is not to be cached, not sniffed, sends no referrer and
// carries its request identifier, which a problem document repeats.
func TestSafeDefaults(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	ok := e.do("window-GXQ", "GET", "/api/v1/session", nil).want(t, http.StatusOK)
	for h, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"} {
		if got := ok.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if ok.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS over plain HTTP")
	}
	if len(ok.Header.Get("X-Request-ID")) != 32 {
		t.Errorf("X-Request-ID %q", ok.Header.Get("X-Request-ID"))
	}
	p := e.do("window-GXQ", "GET", "/api/v1/cases/GXQ-2026-99999", nil).want(t, http.StatusNotFound, "not_found")
	if id := p.str("request_id"); id == "" || id != p.Header.Get("X-Request-ID") {
		t.Errorf("problem request_id %q, header %q", id, p.Header.Get("X-Request-ID"))
	}
	signIn := e.do("", "POST", "/api/v1/session", map[string]string{"user": "nobody", "password": "wrong password"})
	if signIn.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("sign-in answer Cache-Control %q", signIn.Header.Get("Cache-Control"))
	}
}

// Text that is not UTF-8 — a stray byte, a lone surrogate encoded as if it
// were a character — in the query or a header is refused, naming it.
func TestInvalidUTF8Refused(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	for _, tc := range []struct {
		path, header, value, field string
	}{
		{"/api/v1/cases?q=%FF", "", "", "query.q"},
		{"/api/v1/cases?q=%ED%A0%80", "", "", "query.q"},
		{"/api/v1/cases", "X-Client", "ok\xed\xb0\x80", "header.X-Client"},
		{"/api/v1/cases", "Accept-Language", "\xffzh", "header.Accept-Language"},
	} {
		var hdr []string
		if tc.header != "" {
			hdr = []string{tc.header, tc.value}
		}
		r := e.do("window-GXQ", "GET", tc.path, nil, hdr...).want(t, http.StatusUnprocessableEntity, "validation_failed")
		errs, _ := r.Body["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["field"] != tc.field || errs[0].(map[string]any)["code"] != "invalid_utf8" {
			t.Errorf("%s %s: %s", tc.path, tc.header, r.Raw)
		}
	}
	e.do("window-GXQ", "GET", "/api/v1/cases?q=%E4%B8%AD", nil, "X-Client", "中文").want(t, http.StatusOK)
}

// A caller who is not signed in is answered before its body is read: a
// client that announces a large body and sends a byte of it gets its 401
// at once, without the server waiting for the rest.
func TestAuthenticatedBeforeBodyRead(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST /api/v1/cases HTTP/1.1\r\nHost: parkfin\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n{")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer while the body is pending: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", resp.StatusCode)
	}
}
