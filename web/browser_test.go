package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/internal/testsvc"
)

var caseNumberRE = regexp.MustCompile(`GXQ-\d{4}-\d{5}`)

// TestBrowser walks the scenarios in headless Chromium, on SQLite
// and on PostgreSQL; the SQLite run also takes the screenshots and checks
// the layout at 1280 and 375 px.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 500*time.Millisecond)
			shots := ""
			if db.Name == "sqlite" {
				shots = screenshotDir(t)
			}
			browserScenarios(t, e, browser, shots)
		})
	}
}

func browserScenarios(t *testing.T, e *env, browser context.Context, shots string) {
	window := e.MustPerson(t, browser, "window-GXQ")
	bank := e.MustPerson(t, browser, "bank-ICBC")
	shoot := func(p *person, name string) {
		if shots != "" {
			p.shoot(shots, name)
		}
	}

	// The bank watches its inbox; the page must not reload.
	bank.open("/inbox?tab=routed")
	eval[int](bank, `window.__sameInbox = 42`)

	// The window registers a case, the credit code checked as it is typed.
	window.open("/register")
	window.do("type a wrong credit code",
		chromedp.SendKeys(chromedp.CSS("#open-enterprise-uscc"), "91430900MA4L00010X"),
		chromedp.WaitVisible(chromedp.CSS("#open-enterprise-uscc-err .field-error")),
		// Each keystroke may ask again: wait for the answer about the
		// whole code, not one about the first characters typed.
		chromedp.Poll[chromedp.Void](`(document.querySelector("#open-enterprise-uscc-err")||{}).textContent.includes("第18位")`,
			chromedp.WithPollingTimeout(30*time.Second)))
	if msg := window.text("#open-enterprise-uscc-err"); !strings.Contains(msg, "第18位") {
		t.Errorf("credit code check says %q, want the engine's message about character 18", msg)
	}
	shoot(window, "register")
	// The check's answer keeps its room: a one-line confirmation after an
	// error of two lines (three at 375 px) does not move 登记 (a clerk
	// pressing it as the answer comes would miss it).
	buttonTop := `document.querySelector("form.register button[type=submit]").getBoundingClientRect().top + window.scrollY`
	typeCode := func(code, answer string) {
		window.do("type the credit code "+code,
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#open-enterprise-uscc").value = ""`),
			chromedp.SendKeys(chromedp.CSS("#open-enterprise-uscc"), code),
			waitFor(fmt.Sprintf(`(document.querySelector("#open-enterprise-uscc-err")||{textContent:""}).textContent.includes(%q)`, answer)))
	}
	for _, width := range []int64{1280, 375} {
		window.do("viewport", chromedp.EmulateViewport(width, 800))
		typeCode("91430900MA4L00010X", "第18位")
		before := eval[float64](window, buttonTop)
		typeCode(validUSCC, "校验通过")
		if after := eval[float64](window, buttonTop); after != before {
			t.Errorf("at %d px 登记 moved from %.1f to %.1f px when the credit code's check answered", width, before, after)
		}
	}
	window.do("reset viewport", chromedp.EmulateViewport(1280, 900))
	number, casePath := window.register(map[string]string{"enterprise-name": "益阳市示范机械制造有限公司",
		"enterprise-uscc": validUSCC, "need": "流动资金贷款，了解抵押条件和办理流程。", "amount": "1500000"})
	if amt := window.text(".facts"); !strings.Contains(amt, "1,500,000.00") || !strings.Contains(amt, "150.00") {
		t.Errorf("the amount is not shown as 1,500,000.00 元 and 150.00 万元: %q", amt)
	}
	window.open(casePath + "/receipt")
	if r := window.text(".receipt"); !strings.Contains(r, number) || !strings.Contains(r, "24:00 前") {
		t.Errorf("the receipt lacks the number or the answer-by date: %q", r)
	}
	shoot(window, "receipt")

	// The bank sees it appear in 待签收 without reloading.
	bank.do("wait for the new case in the inbox",
		chromedp.Poll[chromedp.Void](`document.querySelector('#list') && document.querySelector('#list').innerText.includes('`+number+`')`,
			chromedp.WithPollingTimeout(10*time.Second)))
	if !eval[bool](bank, `window.__sameInbox === 42`) {
		t.Errorf("the inbox reloaded to show the new case")
	}
	shoot(bank, "inbox")

	// The bank signs for it and asks for materials; the window supplies
	// them; the bank answers; the window feeds back and closes.
	bank.open(casePath)
	if eval[int](bank, `document.querySelectorAll('input[name=_event][value=reply_supervision]').length`) != 0 {
		t.Errorf("the bank is offered a reply to a supervision notice nobody issued")
	}
	shoot(bank, "case-bank")
	bank.fire("accept", nil)
	bank.fire("request_info", map[string]string{"question": "请提供近两年财务报表。"})
	window.open(casePath)
	window.fire("supply_info", map[string]string{"info": "已补充 2024、2025 年财务报表。"})
	bank.open(casePath)
	bank.fire("answer", map[string]string{"can_handle": "yes", "conditions": "抵押担保", "procedure": "提交申请，三个工作日内审批。", "amount_offered": "1200000"})
	if s := bank.text(".case-head .tags"); !strings.Contains(s, "已答复") {
		t.Fatalf("after the answer the case is %q", s)
	}
	window.open(casePath)
	if ask := eval[string](window, `document.querySelector('details:has(input[name=_event][value=feedback]) form').dataset.confirm`); !strings.Contains(ask, "不可撤销") {
		t.Errorf("closing the case does not ask first: %q", ask)
	}
	window.fire("feedback", map[string]string{"outcome": "financed", "amount_financed": "1200000"})
	if s := window.text(".case-head .tags"); !strings.Contains(s, "已办结") {
		t.Fatalf("after the feedback the case is %q", s)
	}
	shoot(window, "case-window-closed")

	// The county sees it all, and may not act for the window or the bank.
	county := e.MustPerson(t, browser, "county-GX")
	county.open(casePath)
	tl := county.text(".timeline")
	for _, w := range []string{"登记", "签收", "要求补充材料", "补充材料", "答复", "反馈企业并办结", "请提供近两年财务报表"} {
		if !strings.Contains(tl, w) {
			t.Errorf("the county's timeline lacks %q", w)
		}
	}
	if eval[int](county, `document.querySelectorAll('input[name=_event][value=answer], input[name=_event][value=feedback], input[name=_event][value=follow_up]').length`) != 0 {
		t.Errorf("the county is offered the bank's or the window's actions")
	}

	// A back-dated paper record turns red on the county board.
	window.open("/register")
	paper, _ := window.register(map[string]string{"enterprise-name": "益阳市纸质补录有限公司",
		"enterprise-uscc": validUSCC, "need": "技改贷款", "received-at": "2026-02-09T09:30"})
	e.drain()
	// The board's figures may be a moment old; it shows the case red
	// within a few seconds.
	for tries := 0; ; tries++ {
		county.open("/board")
		if red := county.text(".figure.fig-red .n"); red != "0" {
			break
		} else if tries == 20 {
			t.Fatalf("the board shows no overdue case")
		}
		county.do("wait", chromedp.Sleep(250*time.Millisecond))
	}
	if l := county.text(".board-lists"); !strings.Contains(l, paper) {
		t.Errorf("the overdue list lacks the back-dated case %s: %q", paper, l)
	}
	county.do("wait for the trend chart", waitFor(`document.querySelector('#trend[data-ready] canvas') !== null`))
	shoot(county, "board")
	county.open("/cases?past_due=1")
	if l := county.text("#list"); !strings.Contains(l, paper) || !strings.Contains(l, "超期") {
		t.Errorf("the overdue list lacks %s in red: %q", paper, l)
	}
	shoot(county, "cases")

	// A form with three mistakes shows all three under their fields.
	window.open("/register")
	window.do("register with three mistakes",
		chromedp.SetValue(chromedp.CSS("#open-enterprise-uscc"), "91430900MA4L00010X"),
		chromedp.SetValue(chromedp.CSS("#open-need"), "需要了解信用贷款"),
		chromedp.SetValue(chromedp.CSS("#open-amount"), "一百万"),
		chromedp.Click(chromedp.CSS("form.register button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".alert-error")))
	for field, want := range map[string]string{"enterprise-name": "企业名称", "enterprise-uscc": "第18位", "amount": "金额"} {
		if msg := window.text("#open-" + field + "-err"); !strings.Contains(msg, want) {
			t.Errorf("the error under %s is %q, want one about %q", field, msg, want)
		}
	}
	if kept := get(window, "read the kept need", chromedp.Value(chromedp.CSS("#open-need"))); kept != "需要了解信用贷款" {
		t.Errorf("the form lost what was typed: %q", kept)
	}
	shoot(window, "register-errors")

	// Another park's case is a 404 page.
	other := e.MustPerson(t, browser, "window-LLGY")
	other.open(casePath)
	if h := other.text("main h1"); !strings.Contains(h, "页面不存在") {
		t.Errorf("another park's window sees %q", h)
	}

	// A request without the CSRF token is refused.
	status := eval[int](window, `fetch('`+casePath+`', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: '_event=follow_up&_version=99&satisfaction=satisfied'}).then(r => r.status)`)
	if status != 403 {
		t.Errorf("a post without the CSRF token answered %d, want 403", status)
	}

	// Two browsers firing on one case: the second sees the conflict and
	// keeps its text.
	window.open("/register")
	_, third := window.register(map[string]string{"enterprise-name": "益阳市并发测试有限公司",
		"enterprise-uscc": validUSCC, "need": "固定资产贷款"})
	bank.open(third)
	bank.fire("accept", nil)
	bank2 := e.MustPerson(t, browser, "bank-ICBC")
	bank.open(third)
	bank2.open(third)
	bank.fire("request_info", map[string]string{"question": "请提供抵押物权属证明。"})
	bank2.fire("answer", map[string]string{"can_handle": "partly", "conditions": "我行可提供部分额度，需追加保证人。", "procedure": "提交申请"})
	if msg := bank2.text("#conflict"); !strings.Contains(msg, "待补充材料") {
		t.Errorf("the second browser's conflict message is %q", msg)
	}
	if k := eval[string](bank2, `[...document.querySelectorAll('.kept textarea')].map(t => t.value).join(' ')`); !strings.Contains(k, "我行可提供部分额度，需追加保证人。") {
		t.Errorf("the second browser lost its text: %q", k)
	}
	shoot(bank2, "case-conflict")

	if shots != "" {
		anon := e.MustPerson(t, browser, "")
		anon.open("/")
		shoot(anon, "signin")
		window.open("/park")
		shoot(window, "park")
		window.open("/search?q=" + url.QueryEscape("益阳"))
		shoot(window, "search")
		window.open("/password")
		shoot(window, "password")
		window.open("/lang/en?back=/park")
		shoot(window, "park-en")
		window.open(casePath)
		shoot(window, "case-en")
		window.open("/lang/zh-CN?back=/park")
		admin := e.MustPerson(t, browser, "admin")
		for _, page := range []string{"users", "orgs", "pairings", "calendar"} {
			admin.open("/admin/" + page)
			shoot(admin, "admin-"+page)
		}
		admin.open("/admin/ledger?run=1")
		if r := admin.text("#ledger-result"); !strings.Contains(r, "校验通过") {
			t.Errorf("the ledger check says %q", r)
		}
		shoot(admin, "admin-ledger")
		// The supervision pages and the bell.
		city := e.MustPerson(t, browser, "city")
		for _, page := range []string{"stats", "ranking"} {
			city.open("/" + page)
			shoot(city, page)
		}
		bank.open("/filings")
		shoot(bank, "filings")
		// The messages behind the bell, once the notices of the cases
		// above are dispatched.
		if _, err := e.notify.Dispatch(context.Background()); err != nil {
			t.Fatal(err)
		}
		bank.open("/notifications")
		if list := bank.text("main"); !strings.Contains(list, "新案件待签收") {
			t.Errorf("the bank's messages do not list a routed case: %q", list)
		}
		shoot(bank, "notifications")
		// The security auditor's log: the sign-ins above are in it.
		auditor := e.MustPerson(t, browser, "auditor")
		auditor.open("/audit")
		if log := auditor.text("main"); !strings.Contains(log, "window-GXQ") || !strings.Contains(log, "登录") {
			t.Errorf("the audit page does not list the window's sign-in: %q", log)
		}
		shoot(auditor, "audit")
	}
}
