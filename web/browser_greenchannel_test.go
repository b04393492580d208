package web_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

var projectNumberRE = regexp.MustCompile(`LS-\d{4}-\d{5}`)

// The green channel in the browser: ICBC answered that 益阳绿通机械's need
// can be handled and opens the green channel with the button on the
// financing case; the project page links back and lists the five steps;
// a 立项 dated before the answer is refused under its field; after the
// steps (across National Day 2026) the page shows each step's working and
// calendar days; the financing case names the project and its step for
// the park's window; the county office's report has the project and
// ICBC's averages; another bank meets the same not-found as for a case it
// does not see. Screenshots at 1280 and 375 px (SQLite run).
func TestBrowserGreenChannel(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 500*time.Millisecond)
			x := e.x
			day := greenDay
			fc := mustAnsweredGXQ(t, x)
			x.Clock.Set(day(9, 23, 10))

			bank := e.MustPerson(t, browser, "bank-ICBC")
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
			bank.open("/cases/" + fc.ID)
			if n := eval[int](bank, `document.querySelectorAll("details:has(input[name=_event][value=green_channel]) summary").length`); n != 1 {
				t.Fatalf("the bank is offered %d green-channel buttons", n)
			}
			if s := bank.text("#actions"); !strings.Contains(s, "开通绿色通道") {
				t.Fatalf("the actions read %q", s)
			}
			bank.fire("green_channel", map[string]string{"note": "园区重点项目，优先办理。"})
			links := bank.text(".sec-green-links")
			number := projectNumberRE.FindString(links)
			if number == "" || !strings.Contains(links, "已开通，待立项") || !strings.Contains(links, "工商银行益阳分行") {
				t.Fatalf("the financing case's projects read %q", links)
			}
			if n := eval[int](bank, `document.querySelectorAll("details:has(input[name=_event][value=green_channel])").length`); n != 0 {
				t.Fatalf("the button stays after the project opened (%d)", n)
			}

			bank.open("/cases/" + number)
			sec := bank.text(".sec-green")
			for _, want := range []string{fc.Number, "益阳绿通机械有限公司", "可以办理", "2026-09-22", "2026-09-23", "300.00 万元", "立项", "放款", "待办理"} {
				if !strings.Contains(sec, want) {
					t.Fatalf("the project reads, without %q:\n%s", want, sec)
				}
			}
			// Sessions last hours, not days: sign in again on each day.
			x.Clock.Set(day(9, 24, 15))
			bank = e.MustPerson(t, browser, "bank-ICBC")
			bank.open("/cases/" + number)
			bank.fire("set_up", map[string]string{"date": "2026-09-21"})
			if msg := bank.text("#set_up-date-err"); !strings.Contains(msg, "不能早于上一环节的日期 2026-09-22") {
				t.Fatalf("the early date reads %q", msg)
			}
			shoot(bank, "greenchannel-refused")
			bank.open("/cases/" + number)
			bank.fire("set_up", map[string]string{"date": "2026-09-24"})
			pc, err := x.Engine.CaseByNumber(t.Context(), engine.System, number)
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range []struct {
				at   time.Time
				ev   engine.EventName
				date string
				amt  string
			}{
				{day(9, 30, 11), greenchannel.RecordApply, "2026-09-30", "3000000"},
				{day(10, 10, 16), greenchannel.RecordCredit, "2026-10-10", "5000000"},
				{day(10, 12, 9), greenchannel.RecordApprove, "2026-10-12", "2800000"},
			} {
				x.Clock.Set(st.at)
				pc = x.MustFire(t, pc, "bank-ICBC", st.ev, greenchannel.StepInput{Date: st.date, Amount: st.amt})
			}
			x.Clock.Set(day(10, 16, 17))
			bank = e.MustPerson(t, browser, "bank-ICBC")
			bank.open("/cases/" + number)
			bank.fire("disburse", map[string]string{"date": "2026-10-16", "amount": "2800000"})
			if head := bank.text(".case-head"); !strings.Contains(head, "已放款") {
				t.Fatalf("after 放款 the head reads %q", head)
			}
			rows := eval[[]string](bank, `[...document.querySelectorAll(".green-steps tbody tr")].map(r => [...r.cells].map(c => c.textContent.trim()).join("|"))`)
			want := []string{
				"立项|2026-09-24|—|2026-09-22|2|2",
				"申报|2026-09-30|300.00|2026-09-24|3|6",
				"授信|2026-10-10|500.00|2026-09-30|3|10",
				"审批|2026-10-12|280.00|2026-10-10|1|2",
				"放款|2026-10-16|280.00|2026-10-12|4|4",
				"合计（答复至最后环节）|2026-10-16|—|2026-09-22|13|24",
			}
			if strings.Join(rows, "\n") != strings.Join(want, "\n") {
				t.Fatalf("the steps read\n%s\nwant\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
			}
			noCodes(bank, "the project page")
			shoot(bank, "greenchannel-project")

			// The park's window sees the project's step on the financing case.
			window := e.MustPerson(t, browser, "window-GXQ")
			window.open("/cases/" + fc.ID)
			if s := window.text(".sec-green-links"); !strings.Contains(s, number) || !strings.Contains(s, "已放款") {
				t.Fatalf("the window's financing case reads %q", s)
			}
			noCodes(window, "the financing case with its project")
			shoot(window, "greenchannel-financing")
			// The county office's report.
			county := e.MustPerson(t, browser, "county-GX")
			county.open("/greenchannel?period=2026Q3")
			if menu := county.text("nav.sidebar"); !strings.Contains(menu, "绿色通道") {
				t.Fatalf("the county's menu reads %q", menu)
			}
			banks := county.text("#green-banks")
			if !strings.Contains(banks, "工商银行益阳分行") || !strings.Contains(banks, "3.0 / 10.0") || !strings.Contains(banks, "13.0 / 24.0") {
				t.Fatalf("the averages read %q", banks)
			}
			projects := county.text("#green-projects")
			if !strings.Contains(projects, number) || !strings.Contains(projects, "益阳绿通机械有限公司") || !strings.Contains(projects, "13 / 24") {
				t.Fatalf("the projects read %q", projects)
			}
			if href := eval[string](county, `document.querySelector("a[href^='/greenchannel/export']").getAttribute("href")`); href != "/greenchannel/export?period=2026Q3" {
				t.Fatalf("the export link is %q", href)
			}
			noCodes(county, "the report")
			shoot(county, "greenchannel-report")
			// Another county's office and another bank do not see it.
			other := e.MustPerson(t, browser, "county-HS")
			other.open("/greenchannel?period=2026Q3")
			if s := other.text("main"); strings.Contains(s, number) || !strings.Contains(s, "该期间没有开通绿色通道的项目") {
				t.Fatalf("county HS's report reads %q", s)
			}
			abc := e.MustPerson(t, browser, "bank-ABC")
			abc.open("/cases/" + number)
			if s := abc.text("main"); strings.Contains(s, "益阳绿通机械有限公司") {
				t.Fatalf("ABC sees the project: %q", s)
			}
		})
	}
}
