package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/report"
)

// reportFlags are the selection flags the report commands share.
type reportFlags struct {
	period, quarter, bank, park, county, as string
}

func (f *reportFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.period, "period", "", "period: 2026Q3, 2026H1, 2026-07, 2026 or 2026-07-01..2026-09-30")
	cmd.Flags().StringVar(&f.quarter, "quarter", "", "a quarter, e.g. 2026Q3 (same as --period)")
	cmd.Flags().StringVar(&f.bank, "bank", "", "one bank's figures")
	cmd.Flags().StringVar(&f.park, "park", "", "one park's figures")
	cmd.Flags().StringVar(&f.county, "county", "", "one county's figures")
	cmd.Flags().StringVar(&f.as, "as", "", "act as this user (default: the operator, who sees everything)")
}

// query returns the selection and the actor.
func (f *reportFlags) query(c *cli, m *Main) (report.Query, engine.Actor, error) {
	p := f.period
	if p == "" {
		p = f.quarter
	}
	per, err := report.ParsePeriod(p)
	if err != nil {
		return report.Query{}, engine.Actor{}, err
	}
	a, err := reportActor(c, m, f.as)
	if err != nil {
		return report.Query{}, engine.Actor{}, err
	}
	return report.Query{Period: per, Filter: report.Filter{Bank: f.bank, Park: f.park, County: f.county}}, a, nil
}

// reportActor is who a report is read as: the user named by --as, or the
// operator, who sees everything.
func reportActor(c *cli, m *Main, as string) (engine.Actor, error) {
	if as == "" {
		return engine.Actor{User: "operator", Role: engine.RoleSystem}, nil
	}
	return actor(c.ctx, m, as)
}

func (c *cli) reportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "统计 — indicators, rankings and the 解决台账 / 问题清单 exports (docs/indicators.md)"}
	cmd.AddCommand(c.reportExportCmd("ledger", report.KindLedger, "the 解决台账 of a period as .xlsx or CSV"),
		c.reportExportCmd("problems", report.KindProblems, "the 问题清单 of a period as .xlsx or CSV"),
		c.reportStatsCmd(), c.reportRankingCmd(), c.reportPublishCmd(), c.reportRebuildCmd(),
		c.reportFilingsCmd(), c.reportYearlyCmd(), c.reportEvaluateCmd(), c.reportGreenCmd())
	return cmd
}

func (c *cli) reportExportCmd(use, kind, short string) *cobra.Command {
	var f reportFlags
	var format, out string
	cmd := &cobra.Command{
		Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				q, a, err := f.query(c, m)
				if err != nil {
					return err
				}
				var w io.Writer = c.stdout
				if out != "" && out != "-" {
					file, err := os.Create(out)
					if err != nil {
						return err
					}
					defer file.Close()
					w = file
				}
				name, err := m.Report.Export(c.ctx, a, report.ExportRequest{Query: q, Kind: kind, Format: format, Lang: locale.ZH}, w)
				if err != nil {
					return err
				}
				if out != "" && out != "-" {
					fmt.Fprintf(c.stderr, "wrote %s (%s)\n", out, name)
				}
				return nil
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&format, "format", "xlsx", "xlsx or csv")
	cmd.Flags().StringVarP(&out, "output", "o", "", "file to write (default: standard output)")
	return cmd
}

func pct(r report.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", *r.Value*100)
}

func (c *cli) reportStatsCmd() *cobra.Command {
	var f reportFlags
	var by string
	cmd := &cobra.Command{
		Use: "stats", Short: "the indicators of a period, cut by bank, park or county", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				q, a, err := f.query(c, m)
				if err != nil {
					return err
				}
				q.By = by
				st, err := m.Report.Stats(c.ctx, a, q)
				if err != nil {
					return err
				}
				return c.emit(st, func(w io.Writer) {
					fmt.Fprintf(w, "%s\t%s 至 %s\n", st.Period, st.From, st.To)
					for _, k := range []string{"received", "signed", "limit_due", "answered_on_time", "answer_rate", "answered_late",
						"open_past_limit", "closed", "fulfilment", "success_rate", "satisfied_share"} {
						fmt.Fprint(w, "\t"+locale.T(locale.ZH, "report.fig."+k))
					}
					fmt.Fprintln(w)
					row := func(k string, x *report.Figures) {
						fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", k, x.Received, x.Signed, x.LimitDue,
							x.AnsweredOnTime, pct(x.AnswerRate), x.AnsweredLate, x.OpenPastLimit, x.Closed, pct(x.Fulfilment),
							pct(x.SuccessRate), pct(x.SatisfiedShare))
					}
					for _, k := range st.GroupKeys() {
						row(k, st.Groups[k])
					}
					row(locale.T(locale.ZH, "report.total"), st.Total)
				})
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&by, "by", "", "cut by bank, park or county")
	return cmd
}

func (c *cli) reportRankingCmd() *cobra.Command {
	var f reportFlags
	var version int
	cmd := &cobra.Command{
		Use: "ranking", Short: "the quarter's ranking of the lead banks: published, or computed now", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				q, a, err := f.query(c, m)
				if err != nil {
					return err
				}
				r, err := m.Report.Ranking(c.ctx, a, q.Period, version)
				if err != nil {
					return err
				}
				return c.emit(r, func(w io.Writer) { printRanking(w, r) })
			})
		},
	}
	f.add(cmd)
	cmd.Flags().IntVar(&version, "version", 0, "a published version (default: the newest)")
	return cmd
}

func printRanking(w io.Writer, r *report.Ranking) {
	T := func(k string) string { return locale.T(locale.ZH, k) }
	if r.Version > 0 {
		fmt.Fprintf(w, "%s\t"+T("report.rank.version")+"\n", r.Period, r.Version, r.PublishedAt.In(calendar.Location()).Format("2006-01-02 15:04"))
	} else {
		fmt.Fprintf(w, "%s\t%s\n", r.Period, T("report.rank.unpublished"))
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", T("report.rank.col.rank"), T("report.rank.col.bank"), T("report.rank.col.score"),
		T("report.rank.col.answer_rate"), T("report.rank.col.fulfilment"), T("report.rank.col.open_past_limit"), T("report.rank.col.interview"))
	for _, row := range r.Rows {
		score := "—"
		if row.Score != nil {
			score = fmt.Sprintf("%.2f", *row.Score)
		}
		var why []string
		for _, x := range row.Interview {
			switch x {
			case "score":
				why = append(why, fmt.Sprintf(T("report.rank.interview.score"), r.Rule.MinScore))
			case "overdue":
				why = append(why, fmt.Sprintf(T("report.rank.interview.overdue"), r.Rule.OverdueWorkdays))
			}
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", row.Rank, or(row.BankName, row.Bank), score, pct(row.Figures.AnswerRate),
			pct(row.Figures.Fulfilment), row.Figures.OpenPastLimit, strings.Join(why, "；"))
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (c *cli) reportPublishCmd() *cobra.Command {
	var f reportFlags
	var note string
	cmd := &cobra.Command{
		Use: "publish", Short: "freeze the quarter's ranking as a new published version", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				q, a, err := f.query(c, m)
				if err != nil {
					return err
				}
				r, err := m.Report.Publish(c.ctx, a, q.Period, note)
				if err != nil {
					return err
				}
				return c.emit(r, func(w io.Writer) { printRanking(w, r) })
			})
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&note, "note", "", "why this version (a correction says what it corrects)")
	return cmd
}

func (c *cli) reportRebuildCmd() *cobra.Command {
	return &cobra.Command{
		Use: "rebuild", Short: "rebuild the statistics' read model from every case", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				n, err := m.Report.Projector().Rebuild(c.ctx)
				if err != nil {
					return err
				}
				return c.emit(map[string]any{"projected": n}, func(w io.Writer) { fmt.Fprintf(w, "ok: %d cases projected\n", n) })
			})
		},
	}
}

// operatorOr returns the named user's actor, or the operator's.
func operatorOr(c *cli, m *Main, as string) (engine.Actor, error) {
	if as == "" {
		return engine.Actor{User: "operator", Role: engine.RoleSystem}, nil
	}
	return actor(c.ctx, m, as)
}

func (c *cli) reportFilingsCmd() *cobra.Command {
	var as string
	cmd := &cobra.Command{
		Use: "filings FILE.csv", Short: "import the banks' yearly loan figures (年度,银行,园区,贷款增量（万元）,增速（%）,户数)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				a, err := operatorOr(c, m, as)
				if err != nil {
					return err
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				n, err := m.Report.ImportFilingsCSV(c.ctx, a, f)
				if err != nil {
					return err
				}
				return c.emit(map[string]any{"filed": n}, func(w io.Writer) { fmt.Fprintf(w, "ok: %d filings recorded\n", n) })
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "act as this user (a bank files its own)")
	return cmd
}

func (c *cli) reportYearlyCmd() *cobra.Command {
	var as string
	var year int
	cmd := &cobra.Command{
		Use: "yearly", Short: "the year's assessment of the lead banks, filed loan figures beside, the bottom five flagged", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				a, err := operatorOr(c, m, as)
				if err != nil {
					return err
				}
				rows, err := m.Report.Yearly(c.ctx, a, year)
				if err != nil {
					return err
				}
				return c.emit(rows, func(w io.Writer) {
					T := func(k string) string { return locale.T(locale.ZH, k) }
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", T("report.rank.col.rank"), T("report.rank.col.bank"),
						T("report.rank.col.score"), T("report.rank.col.answer_rate"), T("report.rank.col.fulfilment"),
						T("report.year.col.loan_increment"), T("report.year.col.borrowers"))
					for _, r := range rows {
						score, flag := "—", ""
						if r.Score != nil {
							score = fmt.Sprintf("%.2f", *r.Score)
						}
						if r.BottomFive {
							flag = T("report.rank.bottom_five")
						}
						fen, _ := report.Fen(r.LoanIncrement)
						fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", r.Rank, or(r.BankName, r.Bank), score, pct(r.Figures.AnswerRate),
							pct(r.Figures.Fulfilment), report.Wan(*fen), r.Borrowers, flag)
					}
				})
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "act as this user")
	cmd.Flags().IntVar(&year, "year", 0, "the year, e.g. 2026")
	_ = cmd.MarkFlagRequired("year")
	return cmd
}

func (c *cli) reportEvaluateCmd() *cobra.Command {
	var as, half, bank, assessment, measures string
	cmd := &cobra.Command{
		Use: "evaluate", Short: "record a half-year evaluation of a lead bank (半年一评估) or the bank's 整改措施", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				a, err := operatorOr(c, m, as)
				if err != nil {
					return err
				}
				ev, err := m.Report.Evaluate(c.ctx, a, half, bank, assessment, measures)
				if err != nil {
					return err
				}
				return c.emit(ev, func(w io.Writer) {
					T := func(k string) string { return locale.T(locale.ZH, k) }
					fmt.Fprintf(w, "%s\t%s\n%s\t%s\n%s\t%s\n%s\t%s\n%s\t%s\n", ev.Half, ev.Bank, T("report.eval.assessment"), ev.Assessment,
						T("report.eval.measures"), ev.Measures, T("report.fig.answer_rate"), pct(ev.Figures.AnswerRate),
						T("report.fig.fulfilment"), pct(ev.Figures.Fulfilment))
				})
			})
		},
	}
	cmd.Flags().StringVar(&as, "as", "", "act as this user (city or pboc for the assessment, the bank for its measures)")
	cmd.Flags().StringVar(&half, "half", "", "the half-year, e.g. 2026H1")
	cmd.Flags().StringVar(&bank, "bank", "", "the bank")
	cmd.Flags().StringVar(&assessment, "assessment", "", "the offices' assessment")
	cmd.Flags().StringVar(&measures, "measures", "", "the bank's rectification measures")
	return cmd
}
