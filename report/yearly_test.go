package report_test

import (
	"strings"
	"testing"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/internal/testsvc"
)

func TestYearlyFilingsBottomFiveEvaluations(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustEnv(t, db, at(2026, 7, 6, 9, 0))
		playExample(e)
		city := e.actor("city")

		bad := "\ufeff年度,银行,园区,贷款增量（万元）,增速（%）,户数\r\n2026,ICBC,GXQ,1200.5,12.5,30\r\n2026,NOPE,GXQ,abc,1,2\r\n2026,ABC,LLGY,10,-120,-1\r\n"
		_, err := e.svc.ImportFilingsCSV(e.ctx, city, strings.NewReader(bad))
		var ee *engine.Error
		if !asErr(err, &ee) || ee.Code != engine.EINVALID || len(ee.Fields) != 3 {
			t.Fatalf("bad import: %v %+v", err, ee)
		}
		if !strings.Contains(ee.Fields[0].MessageZH, "第 3 行") {
			t.Errorf("problem %+v", ee.Fields[0])
		}
		if fs, _ := e.svc.Filings(e.ctx, city, 2026); len(fs) != 0 {
			t.Fatalf("a refused import recorded %d filings", len(fs))
		}
		good := "年度,银行,园区,贷款增量（万元）,增速（%）,户数\n2026,ICBC,GXQ,1200.5,12.5,30\n2026,ABC,LLGY,-80,-3.2,12\n"
		if n, err := e.svc.ImportFilingsCSV(e.ctx, city, strings.NewReader(good)); err != nil || n != 2 {
			t.Fatalf("import: %d %v", n, err)
		}
		if _, err := e.svc.ImportFilingsCSV(e.ctx, e.actor("bank-ABC"), strings.NewReader(good)); engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Errorf("ABC filed for ICBC: %v", err)
		}
		fs, err := e.svc.Filings(e.ctx, e.actor("bank-ICBC"), 2026)
		if err != nil || len(fs) != 1 || fs[0].LoanIncrement != "12005000" || fs[0].Borrowers != 30 {
			t.Fatalf("ICBC's filings %+v %v", fs, err)
		}

		rows, err := e.svc.Yearly(e.ctx, city, 2026)
		if err != nil {
			t.Fatal(err)
		}
		bottom := 0
		for _, r := range rows {
			if r.BottomFive {
				bottom++
			}
			if r.Bank == "ICBC" && (r.LoanIncrement != "12005000.00" || r.Borrowers != 30 || r.Score == nil) {
				t.Errorf("ICBC's year %+v", r)
			}
		}
		// Only ICBC had cases: one bank scored, so one is flagged.
		if bottom != 1 {
			t.Errorf("%d bottom-five flags", bottom)
		}
		if own, _ := e.svc.Yearly(e.ctx, e.actor("bank-ICBC"), 2026); len(own) != 1 {
			t.Errorf("ICBC sees %d rows", len(own))
		}

		ev, err := e.svc.Evaluate(e.ctx, city, "2026H2", "ICBC", "答复率偏低，需加强时限管理。", "")
		if err != nil || ev.Figures == nil || ev.Figures.Received != 3 {
			t.Fatalf("evaluation %+v %v", ev, err)
		}
		if _, err := e.svc.Evaluate(e.ctx, e.actor("bank-ICBC"), "2026H2", "ICBC", "自评", ""); engine.ErrorCode(err) != engine.EFORBIDDEN {
			t.Errorf("bank wrote its own assessment: %v", err)
		}
		ev, err = e.svc.Evaluate(e.ctx, e.actor("bank-ICBC"), "2026H2", "ICBC", "", "指定专人签收，每日跟踪时限。")
		if err != nil || ev.Assessment == "" || ev.Measures == "" {
			t.Fatalf("measures %+v %v", ev, err)
		}
	})
}
