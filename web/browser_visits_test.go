package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
)

// codeRE finds an English code showing through on a page (record_visit,
// visits.field.date).
var codeRE = regexp.MustCompile(`[a-z]+[._][a-z_.]+`)

// A park visit in the browser: ICBC's half-year for 益阳高新区 is on the
// generic duty page; the bank records a visit, the form's rows keeping
// what was typed and naming the missing participant under its field; the
// case page shows the participants, enterprises and problems as tables;
// GXQ's window turns the problem into a financing case with one button,
// and the financing case names the visit it came from. Screenshots at
// 1280 and 375 px (SQLite run).
func TestBrowserVisit(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 500*time.Millisecond)
			x := e.x
			x.Clock.Set(time.Date(2026, 9, 14, 10, 0, 0, 0, calendar.Location()))
			if _, err := x.Engine.OpenScheduled(t.Context()); err != nil {
				t.Fatal(err)
			}
			bank := e.MustPerson(t, browser, "bank-ICBC")
			window := e.MustPerson(t, browser, "window-GXQ")
			shoot := func(p *person, name string) {
				if db.Name == "sqlite" {
					p.shoot(screenshotDir(t), name)
				}
			}
			noCodes := func(p *person, where string) {
				t.Helper()
				if m := codeRE.FindAllString(p.text("main"), -1); len(m) > 0 {
					t.Errorf("%s shows codes %v", where, m)
				}
			}
			bank.open("/duties/visits")
			if menu := bank.text("nav.sidebar"); !strings.Contains(menu, "入园走访") {
				t.Fatalf("the bank's menu reads %q", menu)
			}
			list := bank.text("main")
			if !strings.Contains(list, "ZF-2026H2-") || !strings.Contains(list, "益阳高新区 2026H2") || !strings.Contains(list, "2026-12-31 24:00") ||
				!strings.Contains(list, "待走访") || strings.Contains(list, "龙岭工业集中区") {
				t.Fatalf("the bank's visits read:\n%s", list)
			}
			noCodes(bank, "the visits list")
			shoot(bank, "visits")
			href := eval[string](bank, `[...document.querySelectorAll("tr")].find(r => r.textContent.includes("益阳高新区 2026H2")).querySelector("a").getAttribute("href")`)
			bank.open(href)
			if facts := bank.text(".sec-facts"); !strings.Contains(facts, "入园走访") || !strings.Contains(facts, "2026H2") {
				t.Fatalf("the facts read %q", facts)
			}
			if s := bank.text(".sec-visits"); !strings.Contains(s, "本半年尚未登记走访") {
				t.Fatalf("the visits read %q", s)
			}
			fields := map[string]string{
				"date": "2026-09-14", "leader": "张行长",
				"enterprises.0.name": "益阳某某科技有限公司", "enterprises.0.uscc": "91430900MA4L000032",
				"enterprises.1.name":    "益阳某某食品有限公司",
				"problems.0.enterprise": "益阳某某科技有限公司", "problems.0.text": "设备更新缺流动资金，需贷款", "problems.0.amount": "800000",
				"problems.1.text": "园区缺少政府性融资担保机构",
			}
			// No participant: the error stands under the first row's name.
			bank.fire("record_visit", fields)
			if msg := bank.text("#record_visit-participants-0-name-err"); !strings.Contains(msg, "请至少填写一位参与人员") {
				t.Fatalf("the missing participant reads %q", msg)
			}
			if v := eval[string](bank, `document.querySelector("#record_visit-problems-0-text").value`); v != "设备更新缺流动资金，需贷款" {
				t.Fatalf("the refused form kept %q", v)
			}
			shoot(bank, "visit-form")
			fields["participants.0.org"], fields["participants.0.name"] = "益阳高新区金融办", "李主任"
			fields["participants.1.org"], fields["participants.1.name"], fields["participants.1.title"] = "人民银行益阳市中心支行", "王科长", "科长"
			// The refused form stays open with what was typed: fill in the
			// participants and send it again.
			form := "details:has(input[name=_event][value=record_visit])"
			steps := []chromedp.Action[chromedp.Void]{}
			for name, v := range fields {
				steps = append(steps, chromedp.SetValue(chromedp.CSS(form+" [name=\""+name+"\"]"), v))
			}
			steps = append(steps, chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
				chromedp.Click(chromedp.CSS(form+" button[type=submit]")),
				waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
			bank.do("record the visit", steps...)
			if head := bank.text(".case-head"); !strings.Contains(head, "已走访") {
				t.Fatalf("after recording the head reads %q", head)
			}
			sec := bank.text(".sec-visits")
			for _, want := range []string{"第 1 次走访", "张行长", "人民银行益阳市中心支行", "王科长", "91 430900 MA4L00003 2", "设备更新缺流动资金", "80.00 万元", "园区共性问题"} {
				if !strings.Contains(sec, want) {
					t.Fatalf("the visits section lacks %q:\n%s", want, sec)
				}
			}
			if n := eval[int](bank, `document.querySelectorAll(".sec-visits form").length`); n != 0 {
				t.Fatalf("the bank is offered %d buttons to open cases", n)
			}
			noCodes(bank, "the visit's case page")
			shoot(bank, "visit")

			path := eval[string](bank, `location.pathname`)
			window.open(path)
			if n := eval[int](window, `document.querySelectorAll(".sec-visits form.problem-case").length`); n != 1 {
				t.Fatalf("the window is offered %d buttons; want the one problem of an enterprise", n)
			}
			window.do("turn problem 1 into a case",
				chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"; window.__asked = ""; window.confirm = m => { window.__asked = m; return true; }`),
				chromedp.Click(chromedp.CSS("#problem-1 button[type=submit]")),
				waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
			row := window.text("#problem-1")
			number := caseNumberRE.FindString(row)
			if !strings.HasPrefix(number, "GXQ-2026-") {
				t.Fatalf("problem 1 reads %q", row)
			}
			noCodes(window, "the visit after the window's step")
			shoot(window, "visit-problem-case")
			window.do("open the case", chromedp.Click(chromedp.CSS("#problem-1 a")), chromedp.WaitVisible(chromedp.CSS(".case-head")))
			facts := window.text(".sec-facts")
			if !strings.Contains(facts, "益阳某某科技有限公司") || !strings.Contains(facts, "设备更新缺流动资金，需贷款") || !strings.Contains(facts, "问题 1") {
				t.Fatalf("the financing case reads %q", facts)
			}
			if head := window.text(".case-head"); !strings.Contains(head, "待签收") || !strings.Contains(head, number) {
				t.Fatalf("the financing case's head reads %q", head)
			}
		})
	}
}
