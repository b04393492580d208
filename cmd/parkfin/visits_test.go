package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/engine/sqlstore"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/workflows/all"
)

// A park visit from the CLI, on the wall clock: the half-year under way is
// listed with --workflow visits, the bank records a visit with its rows
// given as --set participants.0.name=…, the park's window turns the
// problem into a financing case, and a second attempt opens none.
func TestCLIVisit(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		key, value, _ := strings.Cut(testsvc.LedgerKeyEnv(), "=")
		t.Setenv(key, value)
		mustRun(t, "demo", "seed")
		ctx := context.Background()
		store, err := sqlstore.Open(ctx, os.Getenv("PARKFIN_DATABASE_URL"), sqlstore.Options{LedgerKeys: testsvc.LedgerKeys()})
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		if _, err := store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.LoadDefault()
		if err != nil {
			t.Fatal(err)
		}
		e := engine.New(engine.Config{Store: store, Calendar: calendar.NewLive(cal)})
		all.Register(e, all.Config{})
		if _, err := e.OpenScheduled(ctx); err != nil {
			t.Fatal(err)
		}
		today := calendar.DateOf(time.Now())
		half := calendar.HalfYearly.Name(calendar.HalfYearly.PeriodIn(today))

		var list []caseView
		mustJSONOut(t, &list, "case", "list", "--workflow", "visits", "--as", "bank-ICBC")
		if len(list) != 1 || !strings.HasPrefix(list[0].Number, "ZF-"+half+"-") {
			t.Fatalf("ICBC lists %+v", list)
		}
		num := list[0].Number
		help := mustRun(t, "case", "fire", "--help")
		if !strings.Contains(help, "入园走访") || !strings.Contains(help, "--set participants.N.name=") {
			t.Fatalf("fire --help does not list the visits' events:\n%s", help)
		}
		visit := []string{"case", "fire", num, "record_visit", "--as", "bank-ICBC",
			"--set", "date=" + today.String(), "--set", "leader=张行长",
			"--set", "enterprises.0.name=益阳某某科技有限公司", "--set", "enterprises.0.uscc=91430900MA4L000032",
			"--set", "problems.0.enterprise=益阳某某科技有限公司", "--set", "problems.0.text=设备更新贷款", "--set", "problems.0.amount=800000"}
		if _, errOut, code := run(t, visit...); code == 0 || !strings.Contains(errOut, "请至少填写一位参与人员") {
			t.Fatalf("a visit without participants: exit %d, %s", code, errOut)
		}
		out := mustRun(t, append(visit, "--set", "participants.0.org=益阳高新区金融办", "--set", "participants.0.name=李主任",
			"--set", "participants.1.org=某担保公司", "--set", "participants.1.name=赵经理")...)
		if !strings.Contains(out, "已走访") {
			t.Fatalf("after recording:\n%s", out)
		}
		if _, errOut, code := run(t, "case", "fire", num, "open_case", "--as", "bank-ICBC", "--set", "problem=1"); code == 0 || !strings.Contains(errOut, "无权") {
			t.Fatalf("the bank opens the case: exit %d, %s", code, errOut)
		}
		mustRun(t, "case", "fire", num, "open_case", "--as", "window-GXQ", "--set", "problem=1")
		if _, errOut, code := run(t, "case", "fire", num, "open_case", "--as", "window-GXQ", "--set", "problem=1"); code == 0 || !strings.Contains(errOut, "已转为融资案件 GXQ-") {
			t.Fatalf("a second attempt: exit %d, %s", code, errOut)
		}
		var fin []caseView
		mustJSONOut(t, &fin, "case", "list", "--workflow", "financing", "--as", "bank-ICBC")
		if len(fin) != 1 || fin[0].State != "routed" {
			t.Fatalf("ICBC's financing cases: %+v", fin)
		}
	})
}
