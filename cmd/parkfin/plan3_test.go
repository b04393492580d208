package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine/calendar"
)

// Plan 3 from the CLI, on the wall clock: the demo's leading-group office
// assigns a difficulty with --workflow plan3 and --set (rows by index),
// the lead department undertakes it and files its progress, a cooperating
// department cannot; close-out is sent back and then confirmed; a bank
// lists no plan-3 case. A user of the workflow's roles is created for an
// organisation of the role's type only.
func TestCLIPlan3(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		deadline := calendar.DateOf(time.Now()).AddDays(60).String()
		var opened caseView
		mustJSONOut(t, &opened, "case", "open", "--workflow", "plan3", "--as", "lgo-YSHJ",
			"--set", "enterprise=益阳某新材料有限公司", "--set", "difficulty=不动产登记办理迟滞",
			"--set", "lead=FGW", "--set", "coop.0.dept=GXJ", "--set", "deadline="+deadline)
		if opened.Workflow != "plan3" || opened.State != "assigned" || !strings.HasPrefix(opened.Number, "SB-") {
			t.Fatalf("opened %+v", opened)
		}
		out := mustRun(t, "case", "fire", opened.Number, "undertake", "--as", "dept-FGW", "--set", "note=已牵头")
		if !strings.Contains(out, "承办中") || !strings.Contains(out, "月度进展") {
			t.Fatalf("after undertaking:\n%s", out)
		}
		if _, errOut, code := run(t, "case", "fire", opened.Number, "progress", "--as", "dept-GXJ", "--set", "text=代报"); code == 0 || errOut == "" {
			t.Fatalf("a cooperating department filed the lead's progress: exit %d", code)
		}
		mustRun(t, "case", "fire", opened.Number, "progress", "--as", "dept-FGW", "--set", "text=已明确验收材料清单")
		mustRun(t, "case", "fire", opened.Number, "request_close", "--as", "dept-FGW", "--set", "result=已办结")
		out = mustRun(t, "case", "fire", opened.Number, "return", "--as", "lgo-YSHJ", "--set", "reason=尚未放款")
		if !strings.Contains(out, "承办中") {
			t.Fatalf("after sending back:\n%s", out)
		}
		mustRun(t, "case", "fire", opened.Number, "request_close", "--as", "dept-FGW", "--set", "result=已放款")
		out = mustRun(t, "case", "fire", opened.Number, "confirm", "--as", "lgo-YSHJ")
		if !strings.Contains(out, "已销号") {
			t.Fatalf("after confirming:\n%s", out)
		}
		var list []caseView
		mustJSONOut(t, &list, "case", "list", "--workflow", "plan3", "--as", "bank-ICBC")
		if len(list) != 0 {
			t.Fatalf("a bank lists %+v", list)
		}
		runIn := func(args ...string) (string, int) {
			var out, errOut bytes.Buffer
			code := Execute(context.Background(), args, strings.NewReader("A-good-password1\n"), &out, &errOut)
			return errOut.String(), code
		}
		if errOut, code := runIn("user", "create", "--role", "city_dept", "--org", "YSHJ", "dept-2"); code == 0 || !strings.Contains(errOut, "YSHJ") {
			t.Fatalf("a department user for the leading-group office: exit %d, %s", code, errOut)
		}
		if errOut, code := runIn("user", "create", "--role", "city_dept", "--org", "CZJ", "dept-3"); code != 0 {
			t.Fatalf("a department user: exit %d, %s", code, errOut)
		}
	})
}
