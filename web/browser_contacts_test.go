package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/contacts"
)

// The contacts register in the browser: a bank registers its contacts
// from the form of the workflow's list, sees them as a table, files a
// change of liaison (the form starts from the contacts in force), and the
// public page, read without signing in from the link on the sign-in page,
// shows the new liaison and none of the responsible persons. The city
// office lists the register. Screenshots at 1280 and 375 px (SQLite run).
func TestBrowserContacts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests are not short")
	}
	browser := MustBrowser(t)
	for _, db := range testsvc.Databases() {
		t.Run(db.Name, func(t *testing.T) {
			e := MustEnv(t, db, 500*time.Millisecond)
			x := e.x
			x.Clock.Set(time.Date(2026, 2, 9, 10, 0, 0, 0, calendar.Location()))
			window, err := x.Store.User(t.Context(), "window-GXQ")
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(contacts.RegisterInput{ContactSet: contacts.ContactSet{
				First:      contacts.Person{Name: "陈主任", Position: "管委会主任", Phone: "0737-2221001"},
				Second:     contacts.Person{Name: "林副主任", Position: "管委会副主任", Phone: "0737-2221002"},
				Department: contacts.Department{Name: "企业融资服务窗口", Phone: "0737-2221000"},
				Liaison:    contacts.Person{Name: "何窗口", Position: "窗口专员", Phone: "13807372000", Email: "window@gxq.example.cn"}}})
			if _, err := x.Engine.Open(t.Context(), engine.OpenRequest{Workflow: contacts.Name, Actor: window.Actor(), Payload: raw}); err != nil {
				t.Fatal(err)
			}
			bank := e.MustPerson(t, browser, "bank-ICBC")
			city := e.MustPerson(t, browser, "city")
			public := e.MustPerson(t, browser, "")
			shoot := func(p *person, name string) {
				if db.Name == "sqlite" {
					p.shoot(screenshotDir(t), name)
				}
			}

			bank.open("/duties/contacts")
			if menu := bank.text("nav.sidebar"); !strings.Contains(menu, "联络人报备") {
				t.Fatalf("the bank's menu reads %q", menu)
			}
			values := map[string]string{
				"first-name": "王建国", "first-position": "行长", "first-phone": "0737-4221001",
				"second-name": "李卫东", "second-position": "分管信贷副行长", "second-phone": "13907371002",
				"department-name": "普惠金融事业部", "department-phone": "0737-4221003",
				"liaison-name": "赵敏", "liaison-position": "客户经理", "liaison-phone": "139 0737 1004", "liaison-email": "zhaomin@icbc.example.cn",
			}
			// A wrong phone is refused under its field, and what was typed stays.
			steps := []chromedp.Action[chromedp.Void]{}
			for id, v := range values {
				if id == "liaison-phone" {
					v = "4221004"
				}
				steps = append(steps, chromedp.SetValue(chromedp.CSS("#register-"+id), v))
			}
			steps = append(steps, chromedp.Evaluate[chromedp.Void](`document.body.dataset.old = "1"`),
				chromedp.Click(chromedp.CSS(".duty-open button[type=submit]")),
				waitFor(`document.readyState === "complete" && document.body && !document.body.dataset.old`))
			bank.do("register with a wrong phone", steps...)
			if msg := bank.text("#register-liaison-phone-err"); !strings.Contains(msg, "手机号码") {
				t.Fatalf("the wrong phone is reported as %q", msg)
			}
			if v := eval[string](bank, `document.querySelector("#register-first-name").value`); v != "王建国" {
				t.Fatalf("the form lost what was typed: %q", v)
			}
			shoot(bank, "contacts-register-error")
			bank.do("correct the phone and register",
				chromedp.SetValue(chromedp.CSS("#register-liaison-phone"), values["liaison-phone"]),
				chromedp.Click(chromedp.CSS(".duty-open button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS(".case-head")))
			table := bank.text(".sec-contacts")
			for _, want := range []string{"第一责任人", "王建国", "分管信贷副行长", "13907371004", "zhaomin@icbc.example.cn", "0737-4221001"} {
				if !strings.Contains(table, want) {
					t.Fatalf("the contacts table lacks %q:\n%s", want, table)
				}
			}
			if strings.Contains(bank.text("main"), "{") {
				t.Fatalf("the case page shows JSON:\n%s", bank.text("main"))
			}

			public.open("/signin")
			public.do("follow the public link", chromedp.Click(chromedp.CSS(".signin-public a")), chromedp.WaitVisible(chromedp.CSS(".contacts-public")))
			page := public.text("main")
			if !strings.Contains(page, "益阳高新区") || !strings.Contains(page, "何窗口") || !strings.Contains(page, "赵敏") {
				t.Fatalf("the public page reads:\n%s", page)
			}

			// The liaison changes from today: the form starts from the
			// contacts in force; only the liaison is retyped.
			bank.fire("file", map[string]string{"liaison.name": "孙丽", "liaison.phone": "13907375555", "liaison.email": "sunli@icbc.example.cn", "effective": "2026-02-09"})
			if head := bank.text(".case-head"); !strings.Contains(head, "已登记") {
				t.Fatalf("after filing the head reads %q", head)
			}
			table = bank.text(".sec-contacts")
			if !strings.Contains(table, "孙丽") || !strings.Contains(table, "王建国") || !strings.Contains(table, "按时") {
				t.Fatalf("after filing the contacts read:\n%s", table)
			}
			shoot(bank, "contacts-case")

			public.open("/contacts")
			page = public.text("main")
			if !strings.Contains(page, "孙丽") || !strings.Contains(page, "13907375555") || strings.Contains(page, "赵敏") {
				t.Fatalf("the public page after the change reads:\n%s", page)
			}
			for _, private := range []string{"王建国", "李卫东", "0737-4221001", "13907371002", "陈主任", "0737-2221001"} {
				if strings.Contains(page, private) {
					t.Fatalf("the public page shows %q of a responsible person", private)
				}
			}
			shoot(public, "contacts-public")
			public.do("switch to English", chromedp.Click(chromedp.CSS(".langbar a")), chromedp.WaitVisible(chromedp.CSS(".contacts-public")))
			if en := public.text("main"); !strings.Contains(en, "Lead bank") || !strings.Contains(en, "孙丽") {
				t.Fatalf("the public page in English reads:\n%s", en)
			}

			// A change that took effect three weeks ago is filed late:
			// red on the offices' list.
			bank.fire("file", map[string]string{"liaison.name": "周洁", "effective": "2026-01-19"})
			if table := bank.text(".sec-contacts"); !strings.Contains(table, "迟报") {
				t.Fatalf("a late filing reads:\n%s", table)
			}

			city.open("/duties/contacts")
			list := city.text("main")
			if !strings.Contains(list, "中国工商银行") && !strings.Contains(list, "工商银行") || !strings.Contains(list, "益阳高新区") {
				t.Fatalf("the city's list reads:\n%s", list)
			}
			if !strings.Contains(list, "迟报") || eval[int](city, `document.querySelectorAll("td .tag-red").length`) != 1 {
				t.Fatalf("the late register is not red on the city's list:\n%s", list)
			}
			if strings.Contains(list, "登记联络人") {
				t.Fatal("the city is offered to register contacts")
			}
			shoot(city, "contacts-list")
		})
	}
}
