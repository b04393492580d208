package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine/calendar"
)

// The green channel from the CLI, on the wall clock: ICBC answers a case
// it can handle and opens its project with `case fire … green_channel`;
// the project is listed with --workflow greenchannel and names its
// financing case; ICBC records 立项 and 申报 with --set; a second opening,
// an opening on its own, another bank's step and a malformed amount are
// refused in words.
func TestCLIGreenChannel(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		var opened caseView
		mustJSONOut(t, &opened, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳绿通机械有限公司",
			"--uscc", "91430900MA4L00010R", "--need", "流动资金贷款", "--amount", "2000000")
		num := opened.Number
		mustRun(t, "case", "fire", num, "accept", "--as", "bank-ICBC")
		mustRun(t, "case", "fire", num, "answer", "--as", "bank-ICBC", "--set", "can_handle=partly",
			"--set", "conditions=担保", "--set", "procedure=审批")
		out := mustRun(t, "case", "fire", num, "green_channel", "--as", "bank-ICBC", "--set", "note=优先办理")
		if !strings.Contains(out, num) {
			t.Fatalf("after opening the green channel:\n%s", out)
		}
		if _, errOut, code := run(t, "case", "fire", num, "green_channel", "--as", "bank-ICBC"); code == 0 || !strings.Contains(errOut, "本行已为该案件开通绿色通道（项目 LS-") {
			t.Fatalf("a second opening: exit %d, %s", code, errOut)
		}
		if _, errOut, code := run(t, "case", "open", "--workflow", "greenchannel", "--as", "bank-ICBC"); code == 0 || !strings.Contains(errOut, "须由银行在融资案件上开通") {
			t.Fatalf("an opening on its own: exit %d, %s", code, errOut)
		}
		var list []caseView
		mustJSONOut(t, &list, "case", "list", "--workflow", "greenchannel", "--as", "bank-ICBC")
		if len(list) != 1 || !strings.HasPrefix(list[0].Number, "LS-") || list[0].State != "opened" {
			t.Fatalf("ICBC's projects: %+v", list)
		}
		var d struct {
			Financing  string `json:"financing"`
			AnsweredOn string `json:"answered_on"`
			CanHandle  string `json:"can_handle"`
		}
		if err := json.Unmarshal(list[0].Data, &d); err != nil || d.Financing != num || d.CanHandle != "partly" {
			t.Fatalf("the project's data %s (%v)", list[0].Data, err)
		}
		var none []caseView
		mustJSONOut(t, &none, "case", "list", "--workflow", "greenchannel", "--as", "bank-ABC")
		if len(none) != 0 {
			t.Fatalf("ABC lists %+v", none)
		}
		p := list[0].Number
		today := calendar.DateOf(time.Now()).String()
		if _, errOut, code := run(t, "case", "fire", p, "set_up", "--as", "bank-ABC", "--set", "date="+today); code == 0 || errOut == "" {
			t.Fatalf("another bank's step: exit %d, %s", code, errOut)
		}
		mustRun(t, "case", "fire", p, "set_up", "--as", "bank-ICBC", "--set", "date="+today)
		if _, errOut, code := run(t, "case", "fire", p, "apply", "--as", "bank-ICBC", "--set", "date="+today, "--set", "amount=200万"); code == 0 || !strings.Contains(errOut, "申报金额（元）应为以元为单位的金额") {
			t.Fatalf("a malformed amount: exit %d, %s", code, errOut)
		}
		out = mustRun(t, "case", "fire", p, "apply", "--as", "bank-ICBC", "--set", "date="+today, "--set", "amount=2000000")
		if !strings.Contains(out, "已申报") {
			t.Fatalf("after 申报:\n%s", out)
		}
		var shown caseView
		mustJSONOut(t, &shown, "case", "show", p, "--as", "county-GX")
		if len(shown.Ledger) != 3 || shown.Ledger[2].Event != "apply" {
			t.Fatalf("the county reads the ledger %+v", shown.Ledger)
		}

		// The report of the year: the project's steps timed from the
		// bank's answer, in working and calendar days; ICBC's averages.
		year := today[:4]
		var rep greenReportJSON
		mustJSONOut(t, &rep, "report", "greenchannel", "--period", year)
		if len(rep.Projects) != 1 || rep.Projects[0].Number != p || rep.Projects[0].Financing != num || len(rep.Projects[0].Steps) != 2 ||
			rep.Projects[0].Steps[0].Step != "set_up" || rep.Projects[0].Steps[1].Step != "apply" ||
			rep.Projects[0].Steps[0].From != d.AnsweredOn || rep.Projects[0].Steps[1].Amount != "2000000.00" || rep.Projects[0].Total != nil {
			t.Fatalf("the year's projects %+v", rep.Projects)
		}
		if len(rep.Banks) != 1 || rep.Banks[0].Bank != "ICBC" || rep.Banks[0].Projects != 1 ||
			rep.Banks[0].Steps["set_up"].N != 1 || rep.Banks[0].Steps["set_up"].Workdays == nil || rep.Banks[0].Steps["disburse"].Days != nil {
			t.Fatalf("the year's banks %+v", rep.Banks)
		}
		mustJSONOut(t, &rep, "report", "greenchannel", "--period", year, "--as", "bank-ABC")
		if len(rep.Projects) != 0 || len(rep.Banks) != 0 {
			t.Fatalf("ABC's report %+v", rep)
		}
		text := mustRun(t, "report", "greenchannel", "--period", year)
		if !strings.Contains(text, p) || !strings.Contains(text, "立项") || !strings.Contains(text, "各银行平均用时") || !strings.Contains(text, "工商银行益阳分行") {
			t.Fatalf("the report as text:\n%s", text)
		}
		book := filepath.Join(t.TempDir(), "green.xlsx")
		mustRun(t, "report", "greenchannel", "--period", year, "-o", book)
		f, err := excelize.OpenFile(book)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		found, park := false, false
		for _, sheet := range f.GetSheetList() {
			rows, _ := f.GetRows(sheet)
			for _, r := range rows {
				found = found || slices.Contains(r, p)
				park = park || slices.Contains(r, "益阳高新区")
			}
		}
		if !found || !park {
			t.Errorf("the workbook %v does not name the project %s (%v) or its park by name (%v)", f.GetSheetList(), p, found, park)
		}
	})
}
