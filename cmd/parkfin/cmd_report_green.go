package main

import (
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

// greenReportJSON is the green channel's report as `--json` prints it.
type greenReportJSON struct {
	Period   string             `json:"period"`
	From     string             `json:"from"`
	To       string             `json:"to"`
	Projects []greenProjectJSON `json:"projects"`
	Banks    []greenBankJSON    `json:"banks"`
}

// greenProjectJSON is one project with the time each recorded step took;
// Total is set once the loan is disbursed.
type greenProjectJSON struct {
	Number     string              `json:"number"`
	Financing  string              `json:"financing"`
	Enterprise string              `json:"enterprise"`
	Bank       string              `json:"bank"`
	State      engine.State        `json:"state"`
	Steps      []greenchannel.Span `json:"steps"`
	Total      *greenchannel.Span  `json:"total,omitempty"`
}

// greenBankJSON is a bank's average step times, in working and calendar
// days, by step and from the answer to 放款.
type greenBankJSON struct {
	Bank     string                            `json:"bank"`
	BankName string                            `json:"bank_name"`
	Projects int                               `json:"projects"`
	Steps    map[engine.EventName]greenAvgJSON `json:"steps"`
	Total    greenAvgJSON                      `json:"total"`
}

// greenAvgJSON is an average over N projects (null days without any).
type greenAvgJSON struct {
	N        int      `json:"n"`
	Workdays *float64 `json:"workdays"`
	Days     *float64 `json:"days"`
}

func greenAvgOf(a greenchannel.Average) greenAvgJSON {
	out := greenAvgJSON{N: a.N}
	if a.N > 0 {
		w, d := float64(a.Workdays10)/10, float64(a.Day10)/10
		out.Workdays, out.Days = &w, &d
	}
	return out
}

// reportGreenCmd prints the green channel's step times for a period (the
// web's 绿色通道 report), or writes its workbook.
func (c *cli) reportGreenCmd() *cobra.Command {
	var period, as, out string
	cmd := &cobra.Command{
		Use:   "greenchannel",
		Short: "绿色通道 — each project's step times and each bank's averages, in working and calendar days (docs/greenchannel.md)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withMain(OpenOptions{}, func(m *Main) error {
				if period == "" {
					period = strconv.Itoa(calendar.DateOf(m.Clock.Now()).Year)
				}
				p, err := report.ParsePeriod(period)
				if err != nil {
					return err
				}
				a, err := reportActor(c, m, as)
				if err != nil {
					return err
				}
				r, err := report.GreenChannel(c.ctx, m.Engine, a, p, m.Calendar.Live())
				if err != nil {
					return err
				}
				org, err := m.Report.OrgName(c.ctx)
				if err != nil {
					return err
				}
				if out != "" {
					f, err := os.Create(out)
					if err != nil {
						return err
					}
					title := fmt.Sprintf(locale.T(locale.ZH, "greenchannel.web.title"), p.Label, p.String())
					if err := report.WriteGreenChannel(f, locale.ZH, title, r, org); err != nil {
						f.Close()
						return err
					}
					if err := f.Close(); err != nil {
						return err
					}
					fmt.Fprintf(c.stderr, "wrote %s (%d projects)\n", out, len(r.Rows))
					return nil
				}
				return c.emit(greenJSONOf(r, p), func(w io.Writer) { writeGreenText(w, r, p, org) })
			})
		},
	}
	cmd.Flags().StringVar(&period, "period", "", "period the projects were opened in: 2026, 2026H1, 2026Q3, 2026-07 or 2026-07-01..2026-09-30 (default: this year)")
	cmd.Flags().StringVar(&as, "as", "", "act as this user: see only the projects the user sees (default: the operator, who sees everything)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the report as an .xlsx workbook to this file instead")
	return cmd
}

func greenJSONOf(r *greenchannel.Report, p report.Period) greenReportJSON {
	out := greenReportJSON{Period: p.Label, From: p.First.String(), To: p.Last.String(),
		Projects: []greenProjectJSON{}, Banks: []greenBankJSON{}}
	for _, row := range r.Rows {
		pj := greenProjectJSON{Number: row.Case.Number, Financing: row.Data.Financing, Enterprise: row.Data.Enterprise.Name,
			Bank: row.Data.Bank, State: row.Case.State, Steps: row.Timing.Steps}
		if row.Case.State == greenchannel.Disbursed {
			pj.Total = row.Timing.Total
		}
		out.Projects = append(out.Projects, pj)
	}
	for _, b := range r.Banks {
		bj := greenBankJSON{Bank: b.Bank, BankName: b.BankName, Projects: b.Projects,
			Steps: map[engine.EventName]greenAvgJSON{}, Total: greenAvgOf(b.Total)}
		for ev, a := range b.Steps {
			bj.Steps[ev] = greenAvgOf(a)
		}
		out.Banks = append(out.Banks, bj)
	}
	return out
}

// writeGreenText writes the report as two tables: the projects, each
// step as "working days/calendar days", and the banks' averages.
func writeGreenText(w io.Writer, r *greenchannel.Report, p report.Period, org func(string) string) {
	t := func(key string) string { return locale.T(locale.ZH, key) }
	fmt.Fprintf(w, "%s\n\n", fmt.Sprintf(t("greenchannel.web.title"), p.Label, p.String()))
	if len(r.Rows) == 0 {
		fmt.Fprintln(w, t("greenchannel.web.none"))
		return
	}
	fmt.Fprintf(w, "%s\t%s\t%s\t%s", t("greenchannel.web.number"), t("greenchannel.web.enterprise"), t("greenchannel.web.bank"), t("greenchannel.web.state"))
	for _, ev := range greenchannel.Steps {
		fmt.Fprint(w, "\t"+t(greenchannel.Key("event", string(ev))))
	}
	fmt.Fprintf(w, "\t%s\n", t("greenchannel.web.total_avg"))
	span := func(sp *greenchannel.Span) string {
		if sp == nil {
			return "—"
		}
		s := fmt.Sprintf("%d/%d", sp.Workdays, sp.Days)
		if sp.Provisional {
			s += "*"
		}
		return s
	}
	for _, row := range r.Rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s", row.Case.Number, row.Data.Enterprise.Name, org(row.Data.Bank),
			t(greenchannel.Key("state", string(row.Case.State))))
		for _, ev := range greenchannel.Steps {
			fmt.Fprint(w, "\t"+span(row.Span(ev)))
		}
		total := "—"
		if row.Case.State == greenchannel.Disbursed {
			total = span(row.Timing.Total)
		}
		fmt.Fprintf(w, "\t%s\n", total)
	}
	fmt.Fprintf(w, "\n%s\n%s\t%s", t("greenchannel.web.averages"), t("greenchannel.web.bank"), t("greenchannel.web.count"))
	for _, ev := range greenchannel.Steps {
		fmt.Fprint(w, "\t"+t(greenchannel.Key("event", string(ev))))
	}
	fmt.Fprintf(w, "\t%s\n", t("greenchannel.web.total_avg"))
	avg := func(a greenchannel.Average) string {
		if a.N == 0 {
			return "—"
		}
		return a.Text(true) + "/" + a.Text(false)
	}
	for _, b := range r.Banks {
		fmt.Fprintf(w, "%s\t%d", org(b.Bank), b.Projects)
		for _, ev := range greenchannel.Steps {
			fmt.Fprint(w, "\t"+avg(b.Steps[ev]))
		}
		fmt.Fprintf(w, "\t%s\n", avg(b.Total))
	}
	fmt.Fprintf(w, "\n%s\n", t("greenchannel.cli.cell_hint"))
}
