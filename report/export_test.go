package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
)

// expectedLedger builds the ledger's rows from the database: every case
// received in the period, read through the engine, in its own words.
func expectedLedger(t *testing.T, e *env, p report.Period) [][]string {
	t.Helper()
	cases, err := e.x.Engine.Cases(e.ctx, e.actor("city"), engine.CaseFilter{Workflow: financing.Name,
		ReceivedFrom: p.From(), ReceivedTo: p.To(), Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Oldest first, as the export orders them.
	for i, j := 0, len(cases)-1; i < j; i, j = i+1, j-1 {
		cases[i], cases[j] = cases[j], cases[i]
	}
	wan := func(yuan string) string {
		if yuan == "" {
			return ""
		}
		return decimal.RequireFromString(yuan).Div(decimal.NewFromInt(10000)).StringFixed(2)
	}
	date := func(tm interface{ String() string }) string { return tm.String() }
	var out [][]string
	var sought, financed decimal.Decimal
	for i, c := range cases {
		d, err := financing.DataOf(c)
		if err != nil {
			t.Fatal(err)
		}
		r := d.Rounds[len(d.Rounds)-1]
		row := map[string]string{
			"seq": decimal.NewFromInt(int64(i + 1)).String(), "number": c.Number, "enterprise": d.Enterprise.Name,
			"uscc": d.Enterprise.USCC, "need": d.Need, "amount": wan(d.Amount), "received": date(calendar.DateOf(c.ReceivedAt)),
			"routed": date(calendar.DateOf(d.Rounds[0].RoutedAt)), "bank": d.LeadBankName, "escalated": "否",
		}
		if r.AcceptedAt != nil {
			row["signed"] = date(calendar.DateOf(*r.AcceptedAt))
		}
		if d.Answer != nil {
			row["answered"] = date(calendar.DateOf(d.Answer.At))
			row["can_handle"] = map[string]string{"yes": "可以办理", "partly": "部分可办", "no": "无法办理"}[d.Answer.CanHandle]
			row["conditions"], row["procedure"] = d.Answer.Conditions, d.Answer.Procedure
			row["on_time"] = map[bool]string{false: "是", true: "否"}[d.Answer.Late]
			if d.Answer.Late {
				row["note"] = "超期 " + decimal.NewFromInt(int64(d.Answer.WorkdaysLate)).String() + " 个工作日答复"
			}
		} else if c.PastDue {
			row["on_time"] = "否（超期未答复）"
		}
		if c.State != financing.Closed {
			row["note"] = "当前状态：" + map[engine.State]string{"routed": "待签收", "accepted": "办理中"}[c.State]
		}
		if c.State == financing.Closed {
			row["outcome"] = map[string]string{"financed": "已获融资", "not_financed": "未获融资"}[d.Outcome]
			if d.Outcome == "financed" {
				row["financed"] = wan(d.Feedback.AmountFinanced)
				financed = financed.Add(decimal.RequireFromString(d.Feedback.AmountFinanced))
			}
		}
		if len(d.FollowUps) > 0 {
			row["satisfaction"] = map[string]string{"satisfied": "满意"}[d.FollowUps[0].Satisfaction]
		}
		if d.Amount != "" {
			sought = sought.Add(decimal.RequireFromString(d.Amount))
		}
		line := make([]string, len(report.Columns))
		for k, col := range report.Columns {
			line[k] = row[col]
		}
		out = append(out, line)
	}
	total := make([]string, len(report.Columns))
	total[0], total[1] = "合计", "共 "+decimal.NewFromInt(int64(len(cases))).String()+" 件"
	total[5] = sought.Div(decimal.NewFromInt(10000)).StringFixed(2)
	total[18] = financed.Div(decimal.NewFromInt(10000)).StringFixed(2)
	return append(out, total)
}

func TestLedgerExport(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustEnv(t, db, at(2026, 7, 6, 9, 0))
		playExample(e)
		q3, _ := report.ParsePeriod("2026Q3")
		want := expectedLedger(t, e, q3)
		if len(want) != 4 {
			t.Fatalf("expected rows: %d", len(want))
		}
		header := report.Header("zh-CN")
		if strings.Join(header, ",") != "序号,案件编号,企业名称,统一社会信用代码,融资需求,需求金额（万元）,受理日期,转办日期,主联系行,签收日期,答复日期,是否按期,能否办理,办理条件,办理程序,参与行,是否上报,反馈结果,融资金额（万元）,回访满意度,备注" {
			t.Fatalf("header %v", header)
		}

		t.Run("xlsx", func(t *testing.T) {
			var buf bytes.Buffer
			name, err := e.svc.Export(e.ctx, e.actor("city"), report.ExportRequest{Query: report.Query{Period: q3}, Kind: report.KindLedger, Format: report.FormatXLSX}, &buf)
			if err != nil {
				t.Fatal(err)
			}
			if name != "解决台账-2026Q3-全部.xlsx" {
				t.Errorf("file name %q", name)
			}
			f, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rows, err := f.GetRows("解决台账")
			if err != nil {
				t.Fatal(err)
			}
			if rows[0][0] != "解决台账（全部，2026-07-01 至 2026-09-30）" {
				t.Errorf("title %q", rows[0][0])
			}
			if strings.Join(rows[1], ",") != strings.Join(header, ",") {
				t.Errorf("header row %v", rows[1])
			}
			got := rows[2:]
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range want {
				for k := range want[i] {
					cell := ""
					if k < len(got[i]) {
						cell = got[i][k]
					}
					if cell != want[i][k] {
						t.Errorf("row %d %s: %q, want %q", i+1, report.Columns[k], cell, want[i][k])
					}
				}
			}
			panes, err := f.GetPanes("解决台账")
			if err != nil || !panes.Freeze || panes.YSplit != 2 {
				t.Errorf("header not frozen: %+v %v", panes, err)
			}
			if w, _ := f.GetColWidth("解决台账", "E"); w < 30 {
				t.Errorf("need column width %v", w)
			}
		})

		t.Run("csv", func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := e.svc.Export(e.ctx, e.actor("city"), report.ExportRequest{Query: report.Query{Period: q3}, Kind: report.KindLedger, Format: report.FormatCSV}, &buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
				t.Fatal("no UTF-8 byte-order mark")
			}
			// An independent reader: Python's csv module, with the BOM
			// taken by the utf-8-sig codec as Excel does.
			path := filepath.Join(t.TempDir(), "ledger.csv")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			py, err := exec.LookPath("python3")
			if err != nil {
				t.Skip("python3 not found")
			}
			out, err := exec.Command(py, "-c", `import csv, json, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    print(json.dumps(list(csv.reader(f)), ensure_ascii=False))`, path).Output()
			if err != nil {
				t.Fatalf("python3: %v", err)
			}
			var rows [][]string
			if err := json.Unmarshal(out, &rows); err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows[0], ",") != strings.Join(header, ",") {
				t.Errorf("header %v", rows[0])
			}
			got := rows[1:]
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for i := range want {
				for k := range want[i] {
					if got[i][k] != want[i][k] {
						t.Errorf("row %d %s: %q, want %q", i+1, report.Columns[k], got[i][k], want[i][k])
					}
				}
			}
		})

		t.Run("problems and scope", func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := e.svc.Export(e.ctx, e.actor("county-GX"), report.ExportRequest{Query: report.Query{Period: q3}, Kind: report.KindProblems, Format: report.FormatCSV}, &buf); err != nil {
				t.Fatal(err)
			}
			// Not financed and still open: cases B and C, and the totals.
			if n := strings.Count(buf.String(), "\r\n"); n != 4 {
				t.Errorf("problem list has %d lines:\n%s", n, buf.String())
			}
			if _, err := e.svc.Export(e.ctx, e.actor("bank-ABC"), report.ExportRequest{Query: report.Query{Period: q3, Filter: report.Filter{Bank: "ICBC"}}, Kind: report.KindLedger, Format: report.FormatCSV}, &buf); engine.ErrorCode(err) != engine.EFORBIDDEN {
				t.Errorf("bank ABC exported ICBC's ledger: %v", err)
			}
		})
	})
}
