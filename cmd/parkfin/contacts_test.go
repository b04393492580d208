package main

import (
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// The contacts register from the CLI: a bank opens its register with
// --workflow contacts and --set (dotted keys nest), announces a change,
// files it, and files another change that took effect weeks ago, which is
// late; the city office lists and reads the register in Chinese.
func TestCLIContacts(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		contact := []string{
			"--set", "first.name=王建国", "--set", "first.position=行长", "--set", "first.phone=0737-4221001",
			"--set", "second.name=李卫东", "--set", "second.position=分管信贷副行长", "--set", "second.phone=13907371002",
			"--set", "department.name=普惠金融事业部", "--set", "department.phone=0737-4221003",
			"--set", "liaison.position=客户经理", "--set", "liaison.phone=13907371004", "--set", "liaison.email=zhaomin@icbc.example.cn",
		}
		open := append([]string{"case", "open", "--workflow", "contacts", "--as", "bank-ICBC", "--set", "liaison.name=赵敏"}, contact...)
		if _, errOut, code := run(t, append(open[:len(open)-2:len(open)-2], "--set", "liaison.email=zhaomin@")...); code == 0 || !strings.Contains(errOut, "电子邮箱") {
			t.Fatalf("a wrong e-mail: exit %d, %s", code, errOut)
		}
		var opened caseView
		mustJSONOut(t, &opened, open...)
		if opened.Workflow != "contacts" || opened.State != "registered" || !strings.HasPrefix(opened.Number, "LX-") {
			t.Fatalf("opened %+v", opened)
		}
		if _, errOut, code := run(t, open...); code == 0 || !strings.Contains(errOut, "已存在") {
			t.Fatalf("a second register: exit %d, %s", code, errOut)
		}
		today := calendar.DateOf(time.Now())
		out := mustRun(t, "case", "fire", opened.Number, "announce", "--as", "bank-ICBC",
			"--set", "effective="+today.AddDays(7).String(), "--set", "note=联络员调整")
		if !strings.Contains(out, "变更待报备") || !strings.Contains(out, "变更报备期限") {
			t.Fatalf("after announcing:\n%s", out)
		}
		out = mustRun(t, append([]string{"case", "fire", opened.Number, "file", "--as", "bank-ICBC",
			"--set", "liaison.name=孙丽", "--set", "effective=" + today.String()}, contact...)...)
		if !strings.Contains(out, "已登记") || !strings.Contains(out, "孙丽") || !strings.Contains(out, "按时") {
			t.Fatalf("after filing in time:\n%s", out)
		}
		out = mustRun(t, append([]string{"case", "fire", opened.Number, "file", "--as", "bank-ICBC",
			"--set", "liaison.name=周洁", "--set", "effective=" + today.AddDays(-30).String()}, contact...)...)
		if !strings.Contains(out, "迟报") {
			t.Fatalf("a change filed 30 days after it took effect is not late:\n%s", out)
		}
		var list []caseView
		mustJSONOut(t, &list, "case", "list", "--workflow", "contacts", "--as", "city")
		if len(list) != 1 || list[0].Number != opened.Number {
			t.Fatalf("the city lists %+v", list)
		}
		mustJSONOut(t, &list, "case", "list", "--workflow", "contacts", "--as", "bank-ABC")
		if len(list) != 0 {
			t.Fatalf("another bank lists %+v", list)
		}
		show := mustRun(t, "case", "show", opened.Number, "--as", "city")
		for _, want := range []string{"联络人报备", "第一责任人", "王建国", "周洁", "登记联络人", "报备变更"} {
			if !strings.Contains(show, want) {
				t.Fatalf("show lacks %q:\n%s", want, show)
			}
		}
		if strings.Contains(show, "可执行操作") {
			t.Fatalf("the city may act on the register:\n%s", show)
		}
		if help := mustRun(t, "case", "open", "--help"); !strings.Contains(help, "--set liaison.phone=") {
			t.Fatalf("open --help does not list the register's fields:\n%s", help)
		}
	})
}
