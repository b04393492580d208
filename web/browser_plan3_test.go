package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// Plan 3 in the browser: the leading-group office assigns a difficulty
// from the generic duty page (the lead department chosen from the city
// departments), the lead department undertakes it and files February's
// progress, the cooperating department adds its input; the case page
// shows the difficulty, the departments and every filing. The
// administrator's organisations page lists the city departments.
// Screenshots at 1280 and 375 px.
func TestBrowserPlan3(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	db := testsvc.Database{Name: "sqlite", URL: testsvc.SQLiteURL}
	e := MustEnv(t, db, 500*time.Millisecond)
	e.x.Clock.Set(time.Date(2027, 2, 10, 10, 0, 0, 0, calendar.Location()))
	dir := screenshotDir(t)
	noCodes := func(p *person, where string) {
		t.Helper()
		if m := codeRE.FindAllString(p.text("main"), -1); len(m) > 0 {
			t.Errorf("%s shows codes %v", where, m)
		}
	}
	lgo := e.MustPerson(t, browser, "lgo-YSHJ")
	lgo.open("/duties/plan3")
	if menu := lgo.text("nav.sidebar"); !strings.Contains(menu, "三办一销号") {
		t.Fatalf("the office's menu reads %q", menu)
	}
	lgo.do("assign", chromedp.SetValue(chromedp.CSS(`.duty-open [name="enterprise"]`), "益阳某新材料有限公司"),
		chromedp.SetValue(chromedp.CSS(`.duty-open [name="difficulty"]`), "新厂房竣工验收与不动产登记办理迟滞，影响抵押贷款"),
		chromedp.SetValue(chromedp.CSS(`.duty-open [name="lead"]`), "FGW"),
		chromedp.SetValue(chromedp.CSS(`.duty-open [name="coop.0.dept"]`), "GXJ"),
		chromedp.SetValue(chromedp.CSS(`.duty-open [name="deadline"]`), "2027-04-30"),
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
		chromedp.Click(chromedp.CSS(`.duty-open button[type=submit]`)),
		waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
	path := eval[string](lgo, `location.pathname`)
	if !strings.HasPrefix(path, "/cases/") {
		t.Fatalf("assigning led to %s: %s", path, lgo.text("main"))
	}
	dept := e.MustPerson(t, browser, "dept-FGW")
	dept.open(path)
	dept.fire("undertake", map[string]string{"note": "已牵头，会同市工信局办理"})
	dept.fire("progress", map[string]string{"text": "已约谈住建、自然资源部门，明确验收材料清单"})
	coop := e.MustPerson(t, browser, "dept-GXJ")
	coop.open(path)
	coop.fire("contribute", map[string]string{"note": "已将该企业列入重点帮扶名单"})
	dept.open(path)
	s := dept.text(".sec-plan3") + dept.text(".sec-plan3-filings")
	for _, want := range []string{"益阳某新材料有限公司", "市发展和改革委员会", "市工业和信息化局", "2027-04-30", "报送月度进展", "协办意见"} {
		if !strings.Contains(s, want) {
			t.Errorf("the case page lacks %q:\n%s", want, s)
		}
	}
	if st := dept.text("main"); !strings.Contains(st, "承办中") || !strings.Contains(st, "2027-03-30 24:00") {
		t.Errorf("the state and the progress limit read:\n%s", st)
	}
	noCodes(dept, "the plan-3 case page")
	dept.shoot(dir, "plan3-case")
	lgo.open("/duties/plan3")
	noCodes(lgo, "the plan-3 list")
	lgo.shoot(dir, "plan3-list")

	admin := e.MustPerson(t, browser, "admin")
	admin.open("/admin/orgs")
	if s := admin.text("main"); !strings.Contains(s, "市优化营商环境领导小组办公室") || !strings.Contains(s, "领导小组办公室") {
		t.Errorf("the organisations page reads:\n%s", s)
	}
	admin.shoot(dir, "admin-orgs")
}
