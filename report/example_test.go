package report_test

import (
	"testing"

	"github.com/parkfin/parkfin/internal/testsvc"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
)

// TestWorkedExample plays the example of docs/indicators.md and checks
// every figure the document states.
func TestWorkedExample(t *testing.T) {
	forEachDB(t, func(t *testing.T, db testsvc.Database) {
		e := mustEnv(t, db, at(2026, 7, 6, 9, 0))
		playExample(e)

		q3, _ := report.ParsePeriod("2026Q3")
		st, err := e.svc.Stats(e.ctx, e.actor("city"), report.Query{Period: q3})
		if err != nil {
			t.Fatal(err)
		}
		f := st.Total
		checks := []struct {
			name      string
			got, want int64
		}{
			{"received", f.Received, 3}, {"signed", f.Signed, 2}, {"signed_within_1", f.SignedWithin1, 1},
			{"limit_due", f.LimitDue, 3}, {"answered_on_time", f.AnsweredOnTime, 1}, {"answered_late", f.AnsweredLate, 1},
			{"open_past_limit", f.OpenPastLimit, 1}, {"closed", f.Closed, 2}, {"closed_financed", f.ClosedFinanced, 1},
			{"closed_not_financed", f.ClosedNotFinanced, 1}, {"sought_fen", f.SoughtFen, 150000000},
			{"financed_fen", f.FinancedFen, 80000000}, {"follow_ups", f.FollowUps, 1}, {"satisfied", f.Satisfied, 1},
			{"sign_days.median", int64(*f.SignDays.Median), 0}, {"sign_days.p90", int64(*f.SignDays.P90), 2},
			{"answer_days.median", int64(*f.AnswerDays.Median), 2}, {"answer_days.p90", int64(*f.AnswerDays.P90), 7},
			{"window_delay.n", f.WindowDelay.N, 3},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
			}
		}
		rates := []struct {
			name string
			got  report.Rate
			want float64
		}{
			{"咨询答复率", f.AnswerRate, 0.3333}, {"融资满足率", f.Fulfilment, 0.5333}, {"count-based", f.FulfilmentCount, 0.5},
			{"窗口申请融资成功率", f.SuccessRate, 0.5}, {"sign within 1", f.SignRate, 0.5},
		}
		for _, r := range rates {
			if r.got.Value == nil || *r.got.Value != r.want {
				t.Errorf("%s = %v, want %v", r.name, r.got.Value, r.want)
			}
		}
		if *f.AnswerDays.Mean != 4.5 || *f.SignDays.Mean != 1 {
			t.Errorf("means: answer %v sign %v", *f.AnswerDays.Mean, *f.SignDays.Mean)
		}
		// Every count drills down to as many cases (one round per case here).
		for name, want := range map[string]int{"received": 3, "limit_due": 3, "answered_on_time": 1, "open_past_limit": 1, "closed_financed": 1} {
			list, err := e.svc.Cases(e.ctx, e.actor("city"), report.Query{Period: q3}, name)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != want {
				t.Errorf("cases behind %s: %d, want %d", name, len(list), want)
			}
		}
		// Access: the county sees its parks, another bank none of it, a
		// bank may not ask for another's figures.
		if st, err := e.svc.Stats(e.ctx, e.actor("county-GX"), report.Query{Period: q3}); err != nil || st.Total.Received != 3 {
			t.Errorf("county GX: %v %v", st, err)
		}
		if st, err := e.svc.Stats(e.ctx, e.actor("bank-ABC"), report.Query{Period: q3}); err != nil || st.Total.Received != 0 {
			t.Errorf("bank ABC: %v %v", st, err)
		}
		if _, err := e.svc.Stats(e.ctx, e.actor("bank-ABC"), report.Query{Period: q3, Filter: report.Filter{Bank: "ICBC"}}); err == nil {
			t.Error("bank ABC read ICBC's figures")
		}
	})
}

// playExample plays the cases of docs/indicators.md's worked example.
func playExample(e *env) {
	clk := e.x.Clock
	a := e.open("GXQ", "益阳甲机械有限公司", usccs[0], "1000000")
	b := e.open("GXQ", "益阳乙电子有限公司", usccs[0], "500000")
	c := e.open("GXQ", "益阳丙食品有限公司", usccs[0], "")
	e.mustFire(a, "bank-ICBC", financing.Accept, nil)
	clk.Set(at(2026, 7, 8, 10, 0))
	e.mustFire(a, "bank-ICBC", financing.Answer, financing.AnswerInput{CanHandle: "yes", Conditions: "厂房抵押", Procedure: "申请-审批-放款"})
	e.mustFire(b, "bank-ICBC", financing.Accept, nil)
	clk.Set(at(2026, 7, 10, 10, 0))
	e.mustFire(a, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "financed", AmountFinanced: "800000"})
	clk.Set(at(2026, 7, 13, 10, 0))
	e.mustFire(a, "window-GXQ", financing.FollowUp, financing.FollowUpInput{Satisfaction: "satisfied"})
	clk.Set(at(2026, 7, 15, 10, 0))
	e.mustFire(b, "bank-ICBC", financing.Answer, financing.AnswerInput{CanHandle: "no", Reason: "无抵押物"})
	clk.Set(at(2026, 7, 16, 10, 0))
	e.mustFire(b, "window-GXQ", financing.Feedback, financing.FeedbackInput{Outcome: "not_financed"})
	_ = c
	clk.Set(at(2026, 10, 9, 10, 0))

}
