package report

import (
	"math"
	"sort"
)

// Rate is a ratio with what it is made of; Value is nil when the
// denominator is zero (no case counted: not a zero rate).
type Rate struct {
	Num   int64    `json:"num"`
	Den   int64    `json:"den"`
	Value *float64 `json:"value"`
}

func rate(num, den int64) Rate {
	r := Rate{Num: num, Den: den}
	if den > 0 {
		v := math.Round(float64(num)/float64(den)*10000) / 10000
		r.Value = &v
	}
	return r
}

// Dist summarises working days: how many, their mean (2 decimals), median
// and 90th percentile by the nearest-rank method; nil figures when none.
type Dist struct {
	N      int64    `json:"n"`
	Mean   *float64 `json:"mean"`
	Median *int     `json:"median"`
	P90    *int     `json:"p90"`
	hist   map[int]int64
}

func (d *Dist) add(v int, n int64) {
	if d.hist == nil {
		d.hist = map[int]int64{}
	}
	d.hist[v] += n
}

// finish computes the summary from the histogram.
func (d *Dist) finish() {
	d.N, d.Mean, d.Median, d.P90 = 0, nil, nil, nil
	vals := make([]int, 0, len(d.hist))
	var sum int64
	for v, n := range d.hist {
		vals = append(vals, v)
		d.N += n
		sum += int64(v) * n
	}
	if d.N == 0 {
		return
	}
	sort.Ints(vals)
	mean := math.Round(float64(sum)/float64(d.N)*100) / 100
	d.Mean = &mean
	d.Median = rank(vals, d.hist, d.N, 50)
	d.P90 = rank(vals, d.hist, d.N, 90)
}

// rank is the nearest-rank percentile: the smallest value with at least
// ceil(p/100 × n) values at or below it.
func rank(vals []int, hist map[int]int64, n int64, p int64) *int {
	want := (p*n + 99) / 100
	var seen int64
	for _, v := range vals {
		seen += hist[v]
		if seen >= want {
			v := v
			return &v
		}
	}
	return nil
}

// Figures are the indicators of plan 6 for one selection of cases and one
// period. docs/indicators.md defines each.
type Figures struct {
	// Received counts the cases received at the window in the period.
	Received int64 `json:"received"`
	// Signed counts the bank rounds signed for in the period;
	// SignedWithin1 those signed within 1 working day of routing.
	Signed        int64 `json:"signed"`
	SignedWithin1 int64 `json:"signed_within_1"`
	SignRate      Rate  `json:"sign_within_1_rate"`
	// LimitDue counts the bank rounds whose limit fell in the period;
	// AnsweredOnTime those answered within it.
	LimitDue       int64 `json:"limit_due"`
	AnsweredOnTime int64 `json:"answered_on_time"`
	// AnswerRate is 咨询答复率: AnsweredOnTime ÷ LimitDue.
	AnswerRate Rate `json:"answer_rate"`
	// AnsweredLate counts the rounds answered late in the period.
	AnsweredLate int64 `json:"answered_late"`
	// OpenPastLimit counts the rounds open past their limit at the end of
	// the period (or now, before it ends).
	OpenPastLimit int64 `json:"open_past_limit"`
	Returned      int64 `json:"returned"`
	Extended      int64 `json:"extended"`
	Escalated     int64 `json:"escalated"`
	Redone        int64 `json:"redone"`
	// Closed counts the cases closed in the period, by outcome.
	Closed            int64            `json:"closed"`
	ClosedFinanced    int64            `json:"closed_financed"`
	ClosedNotFinanced int64            `json:"closed_not_financed"`
	ByOutcome         map[string]int64 `json:"by_outcome"`
	// Fulfilment is 融资满足率: amount financed ÷ amount sought (fen), over
	// the cases closed financed or not financed that stated an amount.
	Fulfilment Rate `json:"fulfilment"`
	// FulfilmentCount is the count-based rate beside it: financed ÷
	// (financed + not financed).
	FulfilmentCount Rate `json:"fulfilment_count"`
	// SuccessRate is 窗口申请融资成功率: closed financed ÷ closed.
	SuccessRate Rate `json:"success_rate"`
	// SignDays, AnswerDays and WindowDelay are working days: routing to
	// signing, routing to answer, receipt to routing.
	SignDays    Dist `json:"sign_days"`
	AnswerDays  Dist `json:"answer_days"`
	WindowDelay Dist `json:"window_delay"`
	// FollowUps counts the follow-ups in the period by satisfaction.
	FollowUps          int64 `json:"follow_ups"`
	Satisfied          int64 `json:"satisfied"`
	BasicallySatisfied int64 `json:"basically_satisfied"`
	Dissatisfied       int64 `json:"dissatisfied"`
	SatisfiedShare     Rate  `json:"satisfied_share"`
	BasicShare         Rate  `json:"basically_satisfied_share"`
	DissatisfiedShare  Rate  `json:"dissatisfied_share"`
	// SoughtFen and FinancedFen are the sums behind Fulfilment, in fen.
	SoughtFen   int64 `json:"sought_fen"`
	FinancedFen int64 `json:"financed_fen"`
}

// merge adds o's counts and histograms to f.
func (f *Figures) merge(o *Figures) {
	f.Received += o.Received
	f.Signed += o.Signed
	f.SignedWithin1 += o.SignedWithin1
	f.LimitDue += o.LimitDue
	f.AnsweredOnTime += o.AnsweredOnTime
	f.AnsweredLate += o.AnsweredLate
	f.OpenPastLimit += o.OpenPastLimit
	f.Returned += o.Returned
	f.Extended += o.Extended
	f.Escalated += o.Escalated
	f.Redone += o.Redone
	f.Closed += o.Closed
	f.ClosedFinanced += o.ClosedFinanced
	f.ClosedNotFinanced += o.ClosedNotFinanced
	for k, v := range o.ByOutcome {
		if f.ByOutcome == nil {
			f.ByOutcome = map[string]int64{}
		}
		f.ByOutcome[k] += v
	}
	f.SoughtFen += o.SoughtFen
	f.FinancedFen += o.FinancedFen
	f.FollowUps += o.FollowUps
	f.Satisfied += o.Satisfied
	f.BasicallySatisfied += o.BasicallySatisfied
	f.Dissatisfied += o.Dissatisfied
	for _, p := range [][2]*Dist{{&f.SignDays, &o.SignDays}, {&f.AnswerDays, &o.AnswerDays}, {&f.WindowDelay, &o.WindowDelay}} {
		for v, n := range p[1].hist {
			p[0].add(v, n)
		}
	}
}

// finish computes the rates and summaries from the counts.
func (f *Figures) finish() {
	if f.ByOutcome == nil {
		f.ByOutcome = map[string]int64{}
	}
	f.SignRate = rate(f.SignedWithin1, f.Signed)
	f.AnswerRate = rate(f.AnsweredOnTime, f.LimitDue)
	f.Fulfilment = rate(f.FinancedFen, f.SoughtFen)
	f.FulfilmentCount = rate(f.ClosedFinanced, f.ClosedFinanced+f.ClosedNotFinanced)
	f.SuccessRate = rate(f.ClosedFinanced, f.Closed)
	f.SatisfiedShare = rate(f.Satisfied, f.FollowUps)
	f.BasicShare = rate(f.BasicallySatisfied, f.FollowUps)
	f.DissatisfiedShare = rate(f.Dissatisfied, f.FollowUps)
	f.SignDays.finish()
	f.AnswerDays.finish()
	f.WindowDelay.finish()
}
