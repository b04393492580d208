// Package report is the supervision side of plan 6 (issue 9): the
// indicators (咨询答复率, 融资满足率, 窗口申请融资成功率 and the counts and times
// behind them), cut by bank, park, county and period with the cases behind
// every figure; the 解决台账 and 问题清单 exports; the quarterly ranking of the
// lead banks, its published versions, the 约谈 candidates, the yearly
// filings and the bottom five, and the half-year evaluations.
//
// It reads the cases and the ledger and writes nothing to them. Its figures
// come from a read model of its own tables (report_cases, report_rounds,
// report_events): a Projector follows the ledger's global sequence and
// re-derives the facts of every case that moved, so that a quarter's
// statistics over a million cases are a few indexed aggregates instead of
// a million JSON records decoded per request. The read model can be rebuilt
// from scratch at any time and is checked against a recomputation from the
// cases (Verify). docs/indicators.md defines every figure.
package report
