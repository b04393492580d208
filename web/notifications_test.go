package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The bell: a case routed to ICBC shows as one unread message in the bank
// contact's header; the messages page lists it; opening it marks it read
// and goes to the case; the bell is quiet again. The window that opened
// the case has no message.
func TestBell(t *testing.T) {
	e := MustEnv(t, testsvc.Databases()[0], 0)
	raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "益阳某某科技有限公司", USCC: validUSCC},
		Need: "设备更新贷款", Amount: "800000"})
	c, err := e.x.Engine.Open(context.Background(), engine.OpenRequest{Workflow: financing.Name, Payload: raw,
		Actor: engine.Actor{User: "window-GXQ", Role: engine.RoleWindow, Org: "GXQ"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.notify.Dispatch(context.Background()); err != nil {
		t.Fatal(err)
	}
	bank := e.MustSignIn("bank-ICBC")
	_, home := bank.get("/inbox")
	if !strings.Contains(home, `<span class="badge">1</span>`) {
		t.Fatal("no unread badge in the bank's header")
	}
	_, page := bank.get("/notifications")
	if !strings.Contains(page, "新案件待签收："+c.Number) || !strings.Contains(page, `class="notice unread"`) {
		t.Fatalf("the messages page does not list the routed case")
	}
	id := regexp.MustCompile(`action="/notifications/([^"]+)/read"`).FindStringSubmatch(page)
	if id == nil {
		t.Fatal("no mark-read form")
	}
	status, _, to := bank.post("/notifications/"+id[1]+"/read", url.Values{"open": {"1"}}, true)
	if status != http.StatusSeeOther || to != "/cases/"+c.Number {
		t.Fatalf("open: %d → %q", status, to)
	}
	if _, home = bank.get("/inbox"); strings.Contains(home, `class="badge"`) {
		t.Fatal("the badge stayed after reading")
	}
	if status, _, _ := bank.post("/notifications/read", url.Values{}, false); status != http.StatusForbidden {
		t.Fatalf("mark all read without the CSRF token: %d", status)
	}
	window := e.MustSignIn("window-GXQ")
	if _, wh := window.get("/park"); strings.Contains(wh, `class="badge"`) {
		t.Fatal("the window was told of its own case")
	}
}
