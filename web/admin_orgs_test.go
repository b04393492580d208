package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/internal/testsvc"
)

// The administrator lists and creates organisations of the types without a
// table of their own, and a user's organisation must be of its role's type.
func TestAdminOrganisations(t *testing.T) {
	e := MustEnv(t, testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}, time.Second)
	admin := e.MustSignIn("admin")
	status, body := admin.get("/admin/orgs")
	if status != http.StatusOK || !strings.Contains(body, "益阳市融资担保有限责任公司") || !strings.Contains(body, "融资担保公司") {
		t.Fatalf("the organisations page: %d", status)
	}
	if s, body, _ := admin.post("/admin/orgs", url.Values{"kind": {"org"}, "code": {"XYDB"}, "name": {"湘益担保"}}, true); s != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择单位类型") {
		t.Fatalf("no type: %d", s)
	}
	if s, body, _ := admin.post("/admin/orgs", url.Values{"kind": {"org"}, "type": {"guarantor"}, "code": {"GXQ"}, "name": {"x"}}, true); s != http.StatusUnprocessableEntity || !strings.Contains(body, "已被其他单位使用") {
		t.Fatalf("a park's code: %d", s)
	}
	if s, _, loc := admin.post("/admin/orgs", url.Values{"kind": {"org"}, "type": {"guarantor"}, "code": {"XYDB"}, "name": {"湘益担保"}}, true); s != http.StatusSeeOther || loc != "/admin/orgs?done=org" {
		t.Fatalf("create: %d %q", s, loc)
	}
	if _, body := admin.get("/admin/orgs"); !strings.Contains(body, "湘益担保") {
		t.Fatal("the new organisation is not listed")
	}
	if _, body := admin.get("/audit"); strings.Contains(body, "org.change") {
		t.Fatal("the audit page shows the action's code")
	}
	// A county sub-branch of the central bank names its county; nothing
	// else does.
	branch := url.Values{"kind": {"org"}, "type": {"county_pboc"}, "code": {"PBOC-TJ"}, "name": {"人民银行桃江县支行"}}
	if s, body, _ := admin.post("/admin/orgs", branch, true); s != http.StatusUnprocessableEntity || !strings.Contains(body, "请选择该支行所在的区县") {
		t.Fatalf("a county sub-branch without its county: %d", s)
	}
	if s, body, _ := admin.post("/admin/orgs", url.Values{"kind": {"org"}, "type": {"guarantor"}, "code": {"XYDB"}, "name": {"湘益担保"}, "county": {"TJ"}}, true); s != http.StatusUnprocessableEntity || !strings.Contains(body, "只有人民银行县支行须选择所属区县") {
		t.Fatalf("a guarantee company with a county: %d", s)
	}
	branch.Set("county", "TJ")
	if s, _, _ := admin.post("/admin/orgs", branch, true); s != http.StatusSeeOther {
		t.Fatalf("a county sub-branch with its county: %d", s)
	}
	if _, body := admin.get("/admin/orgs"); !strings.Contains(body, "人民银行桃江县支行") || !strings.Contains(body, "桃江县金融办") {
		t.Fatal("the new sub-branch is not listed with its county")
	}
	bad := url.Values{"op": {"create"}, "name": {"xydb-1"}, "role": {"guarantor"}, "org": {"GXQ"}, "password": {"A-good-password1"}}
	if s, body, _ := admin.post("/admin/users", bad, true); s != http.StatusUnprocessableEntity || !strings.Contains(body, "没有编码为“GXQ”的单位") {
		t.Fatalf("a guarantor for a park: %d", s)
	}
	bad.Set("org", "XYDB")
	if s, _, _ := admin.post("/admin/users", bad, true); s != http.StatusSeeOther {
		t.Fatalf("a guarantor for a guarantee company: %d", s)
	}
}
