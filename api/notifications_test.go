package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/api"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// The bell: a routed case is in the lead bank's inbox, unread; the bank
// lists it, marks it read, and the count drops; another user cannot mark
// it. Every answer is checked against the contract.
func TestNotificationsInbox(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := MustEnv(t, db, api.Config{})
		e.open("GXQ")
		e.open("GXQ")
		if _, err := e.notify.Dispatch(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.do("bank-ICBC", "GET", "/api/v1/notifications/unread", nil).want(t, http.StatusOK); got.Body["unread"] != float64(2) {
			t.Fatalf("unread %v, want 2", got.Body["unread"])
		}
		page := e.do("bank-ICBC", "GET", "/api/v1/notifications?limit=1", nil).want(t, http.StatusOK)
		list := page.Body["items"].([]any)
		first := list[0].(map[string]any)
		if first["kind"] != "routed" || first["kind_label"] != "新案件待签收" || !strings.Contains(first["link"].(string), "/cases/GXQ-2026-") {
			t.Fatalf("notification %v", first)
		}
		next := e.do("bank-ICBC", "GET", "/api/v1/notifications?limit=1&after="+url.QueryEscape(page.Body["next_cursor"].(string)), nil).want(t, http.StatusOK)
		if n := len(next.Body["items"].([]any)); n != 1 {
			t.Fatalf("second page has %d", n)
		}
		id := url.PathEscape(first["id"].(string))
		e.do("county-HS", "POST", "/api/v1/notifications/"+id+"/read", nil).want(t, http.StatusNotFound)
		read := e.do("bank-ICBC", "POST", "/api/v1/notifications/"+id+"/read", nil).want(t, http.StatusOK)
		if read.Body["read_at"] == nil {
			t.Fatal("not marked read")
		}
		if got := e.do("bank-ICBC", "GET", "/api/v1/notifications?unread=true", nil).want(t, http.StatusOK); len(got.Body["items"].([]any)) != 1 {
			t.Fatal("unread filter")
		}
		if got := e.do("county-GX", "POST", "/api/v1/notifications/read", nil).want(t, http.StatusOK); got.Body["marked"] != float64(2) {
			t.Fatalf("county marked %v", got.Body["marked"])
		}
		if got := e.do("window-GXQ", "GET", "/api/v1/notifications/unread", nil).want(t, http.StatusOK); got.Body["unread"] != float64(0) {
			t.Fatal("the window that opened the cases was told of them")
		}
	})
}

// Channel choices and the e-mail address, with problems in both languages.
func TestNotificationSettings(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	got := e.do("bank-ICBC", "GET", "/api/v1/notification-settings", nil).want(t, http.StatusOK)
	if got.Body["email"] != "bank-ICBC@demo.invalid" || len(got.Body["kinds"].([]any)) < 10 {
		t.Fatalf("settings %v", got.Body)
	}
	put := e.do("bank-ICBC", "PUT", "/api/v1/notification-settings", map[string]any{
		"email": "zhang.san@icbc.example.cn", "channels": map[string]any{"breach": []string{"inbox", "email"}, "*": []string{"inbox"}},
	}).want(t, http.StatusOK)
	if put.Body["email"] != "zhang.san@icbc.example.cn" || len(put.Body["channels"].(map[string]any)) != 2 {
		t.Fatalf("after put %v", put.Body)
	}
	bad := e.do("bank-ICBC", "PUT", "/api/v1/notification-settings", map[string]any{"channels": map[string]any{"no_such_kind": []string{"inbox"}}},
		"Accept-Language", "en").want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(bad.Raw), "Unknown kind") {
		t.Fatalf("problem %s", bad.Raw)
	}
	bad = e.do("bank-ICBC", "PUT", "/api/v1/notification-settings", map[string]any{"email": "not an address"}).want(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(bad.Raw), "电子邮箱地址格式不正确") {
		t.Fatalf("problem %s", bad.Raw)
	}
}

// The dead-letter list is the administrator's.
func TestDeadLettersAPI(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	e.do("bank-ICBC", "GET", "/api/v1/dead-letters", nil).want(t, http.StatusForbidden)
	got := e.do("admin", "GET", "/api/v1/dead-letters", nil).want(t, http.StatusOK)
	if len(got.Body["items"].([]any)) != 0 {
		t.Fatal("dead letters in a fresh database")
	}
	e.do("admin", "POST", "/api/v1/dead-letters/nothing/retry", nil).want(t, http.StatusNotFound)
	e.do("admin", "DELETE", "/api/v1/dead-letters/nothing", nil).want(t, http.StatusNotFound)
}

// An organisation manages its own group robots; the administrator any.
func TestRobotsAPI(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], api.Config{})
	got := e.do("bank-ICBC", "POST", "/api/v1/robots", map[string]any{"channel": "wecom",
		"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "kinds": []string{"breach", "warning"}}).want(t, http.StatusCreated)
	if got.Body["org"] != "ICBC" || got.Body["has_secret"] != false {
		t.Fatalf("robot %v", got.Body)
	}
	id := got.Body["id"].(string)
	e.do("bank-ICBC", "POST", "/api/v1/robots", map[string]any{"channel": "webhook", "url": "https://x.example/hook", "secret": "short"}).
		want(t, http.StatusUnprocessableEntity)
	e.do("bank-ICBC", "POST", "/api/v1/robots", map[string]any{"org": "ABC", "channel": "wecom", "url": "https://x.example/"}).
		want(t, http.StatusForbidden)
	if list := e.do("bank-ABC", "GET", "/api/v1/robots", nil).want(t, http.StatusOK); len(list.Body["items"].([]any)) != 0 {
		t.Fatal("another bank sees ICBC's robot")
	}
	e.do("bank-ABC", "DELETE", "/api/v1/robots/"+id, nil).want(t, http.StatusNotFound)
	if list := e.do("admin", "GET", "/api/v1/robots", nil).want(t, http.StatusOK); len(list.Body["items"].([]any)) != 1 {
		t.Fatal("the administrator does not see every robot")
	}
	e.do("bank-ICBC", "DELETE", "/api/v1/robots/"+id, nil).want(t, http.StatusNoContent)
}
