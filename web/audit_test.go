package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/locale"
)

// Every audited action, result and channel has its words in both
// languages, and the auditor's page shows them, not the codes.
func TestAuditPageInWords(t *testing.T) {
	for _, lang := range []string{"zh-CN", "en"} {
		var keys []string
		for _, a := range audit.Actions {
			keys = append(keys, "web.audit.action."+a)
		}
		for _, r := range []string{audit.OK, audit.Failed, audit.Denied, audit.Locked, audit.Refused} {
			keys = append(keys, "web.audit.result."+r)
		}
		for _, v := range []string{"session", "token", "cli"} {
			keys = append(keys, "web.audit.via."+v)
		}
		for _, k := range keys {
			if !locale.Has(lang, k) {
				t.Errorf("%s: no word for %s", lang, k)
			}
		}
	}
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, 0)
	e.MustSignIn("window-GXQ")
	status, body := e.MustSignIn("auditor").get("/audit")
	if status != http.StatusOK {
		t.Fatalf("audit page: %d", status)
	}
	for _, want := range []string{"<td data-label=\"操作\">登录</td>", "<td data-label=\"结果\">成功</td>", "<td data-label=\"方式\">网页会话</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the audit page lacks %s", want)
		}
	}
	for _, code := range []string{">signin<", ">ok<", ">session<"} {
		if strings.Contains(body, code) {
			t.Errorf("the audit page shows the code %s", code)
		}
	}
}
