package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/enginetest"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/web"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

// greenDay is an hour of a day of 2026, Beijing time.
func greenDay(m time.Month, d, h int) time.Time {
	return time.Date(2026, m, d, h, 0, 0, 0, calendar.Location())
}

// mustAnsweredGXQ registers 益阳绿通机械's need at GXQ's window on 21
// September 2026; ICBC signs for it and, on the 22nd, answers that it can
// handle it.
func mustAnsweredGXQ(t *testing.T, x *enginetest.Env) *engine.Case {
	t.Helper()
	x.Clock.Set(greenDay(9, 21, 9))
	raw, _ := json.Marshal(financing.OpenInput{Park: "GXQ", Enterprise: financing.Enterprise{Name: "益阳绿通机械有限公司", USCC: "91430900MA4L000032"},
		Need: "购置数控机床，需中长期贷款。", Amount: "3000000"})
	fc, err := x.Engine.Open(t.Context(), engine.OpenRequest{Workflow: financing.Name, Actor: x.MustActor(t, "window-GXQ"), Payload: raw})
	if err != nil {
		t.Fatal(err)
	}
	fc = x.MustFire(t, fc, "bank-ICBC", financing.Accept, financing.NoteInput{})
	x.Clock.Set(greenDay(9, 22, 10))
	return x.MustFire(t, fc, "bank-ICBC", financing.Answer, financing.AnswerInput{CanHandle: financing.CanYes,
		Conditions: "设备抵押。", Procedure: "立项、申报、授信、审批、放款。", AmountOffered: "3000000"})
}

// The green channel's report downloads as a workbook: the projects the
// reader sees with each step's date, amount in 万元 (a number) and days,
// and each bank's averages; a bank without projects gets the headers
// alone, and the page names every word from the catalogue.
func TestGreenChannelExport(t *testing.T) {
	db := testsvc.Databases()[0]
	e := MustEnv(t, db, time.Second)
	x := e.x
	day := greenDay
	fc := mustAnsweredGXQ(t, x)
	x.MustFire(t, fc, "bank-ICBC", financing.GreenChannel, financing.GreenChannelInput{})
	p, err := x.Engine.Cases(t.Context(), engine.System, engine.CaseFilter{Workflow: greenchannel.Name})
	if err != nil || len(p) != 1 {
		t.Fatalf("%d projects (%v)", len(p), err)
	}
	pc := p[0]
	x.Clock.Set(day(10, 16, 17))
	pc = x.MustFire(t, pc, "bank-ICBC", greenchannel.RecordSetUp, greenchannel.SetUpInput{Date: "2026-09-24"})
	pc = x.MustFire(t, pc, "bank-ICBC", greenchannel.RecordApply, greenchannel.StepInput{Date: "2026-09-30", Amount: "3000000"})
	pc = x.MustFire(t, pc, "bank-ICBC", greenchannel.RecordCredit, greenchannel.StepInput{Date: "2026-10-10", Amount: "5000000"})

	city := e.MustSignIn("city")
	status, body := city.get("/greenchannel?period=2026Q3")
	if status != 200 || !strings.Contains(body, pc.Number) || !strings.Contains(body, "3.0 / 10.0") {
		t.Fatalf("the city's report: %d\n%s", status, body)
	}
	res, err := city.http.Get(e.srv.URL + "/greenchannel/export?period=2026Q3")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || !strings.Contains(res.Header.Get("Content-Disposition"), "2026Q3.xlsx") {
		t.Fatalf("export %s %s", ct, res.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("绿色通道用时")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !strings.Contains(rows[0][0], "2026Q3") || rows[1][1] != "项目编号" || rows[2][1] != pc.Number || rows[2][2] != fc.Number {
		t.Fatalf("projects sheet %q", rows)
	}
	// 申报: date, 万元, working days, days from column 13 (8 facts, then 4 per step).
	if got := strings.Join(rows[2][12:16], "|"); got != "2026-09-30|300.00|3|6" {
		t.Fatalf("申报 reads %q", got)
	}
	banks, err := f.GetRows("银行平均用时")
	if err != nil {
		t.Fatal(err)
	}
	if len(banks) != 3 || banks[2][0] != "工商银行益阳分行" || banks[2][1] != "1" || banks[2][6] != "3" || banks[2][7] != "10" {
		t.Fatalf("banks sheet %q", banks)
	}
	abc := e.MustSignIn("bank-ABC")
	if status, body := abc.get("/greenchannel?period=2026Q3"); status != 200 || strings.Contains(body, pc.Number) || !strings.Contains(body, "该期间没有开通绿色通道的项目") {
		t.Fatalf("ABC's report: %d", status)
	}
	if status, _ := abc.get("/greenchannel?period=2026Q5"); status != 422 && status != 400 {
		t.Fatalf("a malformed period: %d", status)
	}
	// A stopped project's page says why, and leaves no step to do.
	stopped := x.MustFire(t, pc, "bank-ICBC", greenchannel.Stop, greenchannel.StopInput{Date: "2026-10-16", Reason: "企业改用票据融资。"})
	icbc := e.MustSignIn("bank-ICBC")
	status, body = icbc.get("/cases/" + stopped.ID)
	if status != 200 || !strings.Contains(body, "终止原因：企业改用票据融资。") || strings.Contains(body, "待办理") || !strings.Contains(body, "已终止") {
		t.Fatalf("the stopped project: %d\n%s", status, body)
	}
	// The generic list of the workflow's cases offers no form to open one
	// on its own.
	if status, body := abc.get("/duties/greenchannel"); status != 200 || strings.Contains(body, `action="/duties/greenchannel"`) {
		t.Fatalf("ABC's list of projects offers an opening: %d\n%s", status, body)
	}
	if status, body := icbc.get("/duties/greenchannel"); status != 200 || !strings.Contains(body, pc.Number) {
		t.Fatalf("ICBC's list of projects: %d", status)
	}
	if missing := web.MissingKeys(); len(missing) > 0 {
		t.Fatalf("missing catalogue keys %v", missing)
	}
}
