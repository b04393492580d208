package report

import (
	"context"
	"fmt"
	"io"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

// GreenChannel reckons the green-channel report of the projects opened in
// the period that the actor sees (the engine decides which: a bank its
// own, a county office its parks', the city office and the central bank
// all), their step times counted with cal.
func GreenChannel(ctx context.Context, e *engine.Engine, a engine.Actor, p Period, cal engine.Calendar) (*greenchannel.Report, error) {
	f := engine.CaseFilter{Workflow: greenchannel.Name, ReceivedFrom: p.From(), ReceivedTo: p.To(), Limit: 500}
	var cases []*engine.Case
	for {
		page, err := e.Cases(ctx, a, f)
		if err != nil {
			return nil, err
		}
		cases = append(cases, page...)
		if len(page) < f.Limit {
			break
		}
		last := page[len(page)-1]
		f.After = &engine.Cursor{ReceivedAt: last.ReceivedAt, ID: last.ID}
	}
	// Oldest first, as the offices number them.
	for i, j := 0, len(cases)-1; i < j; i, j = i+1, j-1 {
		cases[i], cases[j] = cases[j], cases[i]
	}
	return greenchannel.ReportOf(cases, cal)
}

// GreenChannelFilename names the green-channel workbook of a period.
func GreenChannelFilename(lang string, p Period) string {
	return fmt.Sprintf("%s-%s.xlsx", locale.T(lang, "greenchannel.web.sheet"), p.Label)
}

// WriteGreenChannel writes the green-channel report as a workbook: one
// sheet of projects with each step's date, amount (万元, numbers) and
// working and calendar days, one of each bank's averages.
func WriteGreenChannel(w io.Writer, lang, title string, r *greenchannel.Report, org func(string) string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet, banks := locale.T(lang, "greenchannel.web.sheet"), locale.T(lang, "greenchannel.web.sheet_banks")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(banks); err != nil {
		return err
	}
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}}, Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	amount, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 14, Bold: true}})
	t := func(k string) string { return locale.T(lang, k) }
	step := func(ev engine.EventName) string { return t(greenchannel.Key("event", string(ev))) }

	cols := []string{t("greenchannel.web.seq"), t("greenchannel.web.number"), t("greenchannel.web.financing"),
		t("greenchannel.web.enterprise"), t("greenchannel.web.bank"), t("greenchannel.web.park"), t("greenchannel.web.state"),
		t("greenchannel.web.answered")}
	for _, ev := range greenchannel.Steps {
		cols = append(cols, step(ev)+t("greenchannel.web.date"), step(ev)+t("greenchannel.web.amount"),
			step(ev)+t("greenchannel.web.workdays"), step(ev)+t("greenchannel.web.days"))
	}
	cols = append(cols, t("greenchannel.web.total")+t("greenchannel.web.workdays"), t("greenchannel.web.total")+t("greenchannel.web.days"))
	set := func(sheet string, col, row int, v any, style int) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			return err
		}
		if style != 0 {
			return f.SetCellStyle(sheet, cell, cell, style)
		}
		return nil
	}
	if err := set(sheet, 1, 1, title, bold); err != nil {
		return err
	}
	for i, c := range cols {
		if err := set(sheet, i+1, 2, c, head); err != nil {
			return err
		}
	}
	for n, row := range r.Rows {
		d := row.Data
		vals := []any{n + 1, row.Case.Number, d.Financing, d.Enterprise.Name, org(d.Bank), org(d.Park),
			t(greenchannel.Key("state", string(row.Case.State))), d.AnsweredOn}
		for _, ev := range greenchannel.Steps {
			if sp := row.Span(ev); sp != nil {
				var amt any = ""
				if sp.Amount != "" {
					v, _ := decimal.RequireFromString(sp.Amount).Shift(-4).Round(2).Float64()
					amt = v
				}
				vals = append(vals, sp.To, amt, sp.Workdays, sp.Days)
			} else {
				vals = append(vals, "", "", "", "")
			}
		}
		if tot := row.Timing.Total; tot != nil && row.Case.State == greenchannel.Disbursed {
			vals = append(vals, tot.Workdays, tot.Days)
		}
		for i, v := range vals {
			style := 0
			if i >= 8 && (i-8)%4 == 1 {
				style = amount
			}
			if err := set(sheet, i+1, n+3, v, style); err != nil {
				return err
			}
		}
	}
	_ = f.SetColWidth(sheet, "B", "C", 17)
	_ = f.SetColWidth(sheet, "D", "D", 30)
	_ = f.SetColWidth(sheet, "E", "F", 20)
	_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})

	bcols := []string{t("greenchannel.web.bank"), t("greenchannel.web.count")}
	for _, ev := range greenchannel.Steps {
		bcols = append(bcols, step(ev)+t("greenchannel.web.workdays"), step(ev)+t("greenchannel.web.days"))
	}
	bcols = append(bcols, t("greenchannel.web.total_avg")+t("greenchannel.web.workdays"), t("greenchannel.web.total_avg")+t("greenchannel.web.days"))
	if err := set(banks, 1, 1, title, bold); err != nil {
		return err
	}
	for i, c := range bcols {
		if err := set(banks, i+1, 2, c, head); err != nil {
			return err
		}
	}
	avg := func(a greenchannel.Average, workdays bool) any {
		if a.N == 0 {
			return ""
		}
		v := a.Day10
		if workdays {
			v = a.Workdays10
		}
		f, _ := decimal.New(int64(v), -1).Float64()
		return f
	}
	for n, b := range r.Banks {
		vals := []any{org(b.Bank), b.Projects}
		for _, ev := range greenchannel.Steps {
			vals = append(vals, avg(b.Steps[ev], true), avg(b.Steps[ev], false))
		}
		vals = append(vals, avg(b.Total, true), avg(b.Total, false))
		for i, v := range vals {
			if err := set(banks, i+1, n+3, v, 0); err != nil {
				return err
			}
		}
	}
	_ = f.SetColWidth(banks, "A", "A", 24)
	return f.Write(w)
}
