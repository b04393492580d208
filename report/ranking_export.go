package report

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
)

// rankColumns are the ranking workbook's columns (catalogue keys).
var rankColumns = []string{"rank", "bank", "score", "answer_rate", "fulfilment", "fulfilment_count", "sign_rate",
	"satisfaction", "open_past_limit", "submissions", "interview"}

// ExportRanking writes the quarter's ranking (its newest published version,
// or computed now) as .xlsx: a title with the period and the version, one
// row per bank with its score, rates and the reasons it is a 约谈
// candidate. With year set instead, it writes the year's assessment with the
// bottom five marked. It returns the file name.
func (s *Service) ExportRanking(ctx context.Context, a engine.Actor, p Period, lang string, w io.Writer) (string, error) {
	lang = locale.Lang(lang)
	r, err := s.Ranking(ctx, a, p, 0)
	if err != nil {
		return "", err
	}
	T := func(k string) string { return locale.T(lang, k) }
	f := excelize.NewFile()
	defer f.Close()
	sheet := T("report.ranking.title")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return "", err
	}
	version := T("report.rank.unpublished")
	if r.Version > 0 {
		version = fmt.Sprintf(T("report.rank.version"), r.Version, r.PublishedAt.Format("2006-01-02"))
	}
	title := fmt.Sprintf("%s（%s 至 %s，%s）", T("report.ranking.title"), r.From, r.To, version)
	last, _ := excelize.ColumnNumberToName(len(rankColumns))
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true}})
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return "", err
	}
	_ = f.SetCellValue(sheet, "A1", title)
	for i, c := range rankColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		_ = f.SetCellValue(sheet, cell, T("report.rank.col."+c))
		_ = f.SetCellStyle(sheet, cell, cell, head)
	}
	widths := []float64{6, 26, 10, 12, 12, 14, 14, 12, 14, 16, 40}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		_ = f.SetColWidth(sheet, col, col, wd)
	}
	pctOf := func(x Rate) any {
		if x.Value == nil {
			return "—"
		}
		return fmt.Sprintf("%.2f%%", *x.Value*100)
	}
	for i, row := range r.Rows {
		fg := row.Figures
		sat := rate(fg.Satisfied+fg.BasicallySatisfied, fg.FollowUps)
		var score any = "—"
		if row.Score != nil {
			score = *row.Score
		}
		var why []string
		for _, x := range row.Interview {
			switch x {
			case "score":
				why = append(why, fmt.Sprintf(T("report.rank.interview.score"), r.Rule.MinScore))
			case "submission":
				why = append(why, T("report.rank.interview.submission"))
			default:
				why = append(why, fmt.Sprintf(T("report.rank.interview.overdue"), r.Rule.OverdueWorkdays))
			}
		}
		vals := []any{row.Rank, or(row.BankName, row.Bank), score, pctOf(fg.AnswerRate), pctOf(fg.Fulfilment), pctOf(fg.FulfilmentCount),
			pctOf(fg.SignRate), pctOf(sat), fg.OpenPastLimit, fmt.Sprintf(T("report.rank.submissions"), row.SubmissionsLate, row.SubmissionsDue),
			strings.Join(why, "；")}
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return "", err
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%s.xlsx", T("report.ranking.title"), p.Label), f.Write(w)
}
