package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

func TestReportCLI(t *testing.T) {
	forEachDB(t, func(t *testing.T) {
		mustRun(t, "demo", "seed")
		check, _ := uscc.CheckChar("91430900MA4L00003")
		mustRun(t, "case", "open", "--as", "window-GXQ", "--park", "GXQ", "--enterprise", "益阳某某科技有限公司",
			"--uscc", "91430900MA4L00003"+string(check), "--need", "设备更新贷款", "--amount", "800000")
		now := time.Now().In(calendar.Location())
		quarter := now.Format("2006") + "Q" + string(rune('0'+(int(now.Month())+2)/3))

		var st struct {
			Total struct{ Received int } `json:"total"`
		}
		mustJSONOut(t, &st, "report", "stats", "--quarter", quarter, "--by", "park")
		if st.Total.Received != 1 {
			t.Errorf("stats %+v", st)
		}
		out := filepath.Join(t.TempDir(), "ledger.xlsx")
		mustRun(t, "report", "ledger", "--quarter", quarter, "--bank", "ICBC", "--format", "xlsx", "-o", out)
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("解决台账")
		f.Close()
		if len(rows) != 4 || !strings.Contains(rows[0][0], "工商银行益阳分行") || rows[2][2] != "益阳某某科技有限公司" {
			t.Errorf("workbook %v", rows)
		}
		csvOut := mustRun(t, "report", "problems", "--quarter", quarter, "--park", "GXQ", "--format", "csv")
		if !strings.HasPrefix(csvOut, "\ufeff序号,案件编号") {
			t.Errorf("problem list %q", csvOut)
		}
		var pub struct{ Version int }
		mustJSONOut(t, &pub, "report", "publish", "--quarter", quarter, "--note", "第一版")
		mustJSONOut(t, &pub, "report", "publish", "--quarter", quarter, "--note", "更正")
		if pub.Version != 2 {
			t.Errorf("second publication is version %d", pub.Version)
		}
		text := mustRun(t, "report", "ranking", "--quarter", quarter, "--version", "1")
		if !strings.Contains(text, "第 1 版") || !strings.Contains(text, "工商银行益阳分行") {
			t.Errorf("ranking:\n%s", text)
		}
		if _, errOut, code := run(t, "report", "stats", "--quarter", quarter, "--as", "bank-ABC", "--bank", "ICBC"); code == 0 || !strings.Contains(errOut, "forbidden") {
			t.Errorf("bank ABC read ICBC's figures: %d %s", code, errOut)
		}
		mustRun(t, "report", "rebuild")
		_ = os.Remove(out)
	})
}
