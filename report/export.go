package report

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
)

// The exports.
const (
	KindLedger   = "ledger"   // 解决台账: every case received in the period
	KindProblems = "problems" // 问题清单: the cases not (yet) solved
	FormatXLSX   = "xlsx"
	FormatCSV    = "csv"
)

// Columns lists the catalogue keys of the export's columns, in the
// offices' order.
var Columns = []string{"seq", "number", "enterprise", "uscc", "need", "amount", "received", "routed", "bank", "signed",
	"answered", "on_time", "can_handle", "conditions", "procedure", "participants", "escalated", "outcome", "financed",
	"satisfaction", "note"}

// colWidths fit each column to its Chinese header and its usual content
// (a CJK character is two units wide); long texts wrap.
var colWidths = []float64{6, 17, 30, 21, 40, 16, 12, 12, 22, 12, 12, 10, 10, 30, 30, 24, 9, 12, 16, 11, 30}

// columnIndex is each column's place in Columns.
var columnIndex = func() map[string]int {
	m := make(map[string]int, len(Columns))
	for i, c := range Columns {
		m[c] = i
	}
	return m
}()

// wrapped marks the columns of long text.
var wrapped = map[string]bool{"enterprise": true, "need": true, "conditions": true, "procedure": true, "participants": true, "note": true, "bank": true}

// amountCols are the columns in 万元.
var amountCols = map[string]bool{"amount": true, "financed": true}

// Header returns the export's header in lang.
func Header(lang string) []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = locale.T(lang, "report.col."+c)
	}
	return out
}

// exportRow is one case as the export writes it: texts, and the two
// amounts in fen (nil when none).
type exportRow struct {
	cells    []string
	sought   *int64
	financed *int64
}

// Wan formats fen as 万元 with 2 decimals.
func Wan(fen int64) string { return decimal.New(fen, -6).StringFixed(2) }

func wanFloat(fen int64) float64 {
	f, _ := decimal.New(fen, -6).Round(2).Float64()
	return f
}

// ExportRequest asks for an export.
type ExportRequest struct {
	Query  Query
	Kind   string
	Format string
	Lang   string
}

// Filename is the export's file name, e.g. "解决台账-2026Q3-全部.xlsx".
func (r ExportRequest) Filename(scope string) string {
	return fmt.Sprintf("%s-%s-%s.%s", locale.T(r.Lang, "report."+r.Kind+".title"), r.Query.Period.Label, scope, r.Format)
}

// Export writes the 解决台账 or 问题清单 of the query's period and selection to
// w as .xlsx or CSV (UTF-8 with a byte-order mark), streaming: memory does
// not grow with the number of cases. It returns the file name.
func (s *Service) Export(ctx context.Context, a engine.Actor, req ExportRequest, w io.Writer) (string, error) {
	if req.Kind != KindLedger && req.Kind != KindProblems {
		return "", engine.Invalid(engine.FieldError{Field: "kind", Code: "choice", Message: "kind is ledger or problems.", MessageZH: "导出类型应为解决台账（ledger）或问题清单（problems）。"})
	}
	if req.Format != FormatXLSX && req.Format != FormatCSV {
		return "", engine.Invalid(engine.FieldError{Field: "format", Code: "choice", Message: "format is xlsx or csv.", MessageZH: "文件格式应为 xlsx 或 csv。"})
	}
	req.Lang = locale.Lang(req.Lang)
	f, _, err := s.scoped(a, req.Query.Filter)
	if err != nil {
		return "", err
	}
	req.Query.Filter = f
	if err := s.catchUp(ctx); err != nil {
		return "", err
	}
	names, err := s.names(ctx)
	if err != nil {
		return "", err
	}
	scope := scopeLabel(req.Lang, f, names)
	rows := func(emit func(exportRow) error) error { return s.exportRows(ctx, req, names, emit) }
	if req.Format == FormatCSV {
		return req.Filename(scope), writeCSV(w, req.Lang, rows)
	}
	title := fmt.Sprintf("%s（%s，%s）", locale.T(req.Lang, "report."+req.Kind+".title"), scope, req.Query.Period)
	return req.Filename(scope), writeXLSX(w, req.Lang, title, rows)
}

// names maps bank and park codes to their names.
type names struct{ banks, parks, counties map[string]string }

func (s *Service) names(ctx context.Context) (*names, error) {
	dir := s.engine.Store().Directory()
	n := &names{banks: map[string]string{}, parks: map[string]string{}, counties: map[string]string{}}
	banks, err := dir.Banks(ctx)
	if err != nil {
		return nil, err
	}
	for _, b := range banks {
		n.banks[b.Code] = b.Name
	}
	parks, err := dir.Parks(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range parks {
		n.parks[p.Code] = p.Name
	}
	counties, err := dir.Counties(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range counties {
		n.counties[c.Code] = c.Name
	}
	return n, nil
}

// OrgName returns a function naming a bank, a park or a county by its
// code (the code itself for any other), as the exports name them.
func (s *Service) OrgName(ctx context.Context) (func(code string) string, error) {
	n, err := s.names(ctx)
	if err != nil {
		return nil, err
	}
	return func(code string) string {
		return or(n.banks[code], or(n.parks[code], or(n.counties[code], code)))
	}, nil
}

func scopeLabel(lang string, f Filter, n *names) string {
	var parts []string
	if f.Bank != "" {
		parts = append(parts, or(n.banks[f.Bank], f.Bank))
	}
	if f.County != "" {
		parts = append(parts, or(n.counties[f.County], f.County))
	}
	if f.Park != "" {
		parts = append(parts, or(n.parks[f.Park], f.Park))
	}
	if len(parts) == 0 {
		return locale.T(lang, "report.scope.all")
	}
	return strings.Join(parts, "、")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// exportSelection returns the ids of the cases the export lists, in
// order: received in the period, by the case's last lead bank, park or
// county; for the problem list only those not financed nor withdrawn, or
// ever escalated.
func exportSelection(q Query, kind string) *sel {
	from, to := q.Period.From().UTC(), q.Period.To().UTC()
	s := newSel(casesClosed, Query{Filter: q.Filter}).and("received_at >= ? AND received_at < ?", from, to)
	if kind == KindProblems {
		s.and("(closed_at IS NULL OR outcome NOT IN ('financed', 'withdrawn') OR escalated)")
	}
	return s
}

// caseRow is what the export reads of a case.
type caseRow struct {
	ID         string
	Number     string
	State      string
	ReceivedAt time.Time
	PastDue    bool
	Data       string
}

// exportBatch is how many cases one read fetches.
const exportBatch = 1000

// exportRows reads the selected cases in batches and emits their rows. One
// goroutine reads and decodes the next batches while the caller writes the
// rows of the current one (the two halves cost about the same), a few
// batches ahead at most: memory stays flat in the number of cases.
func (s *Service) exportRows(ctx context.Context, req ExportRequest, n *names, emit func(exportRow) error) error {
	sl := exportSelection(req.Query, req.Kind)
	q := "SELECT case_id FROM report_cases WHERE " + joinAnd(sl.where) + " ORDER BY received_at, number"
	var ids []string
	if err := s.db.WithContext(ctx).Raw(q, sl.args...).Scan(&ids).Error; err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		rows []exportRow
		err  error
	}
	batches := make(chan batch, 2)
	go func() {
		defer close(batches)
		seq := 0
		for start := 0; start < len(ids); start += exportBatch {
			rows, err := s.exportBatch(ctx, req.Lang, ids[start:min(start+exportBatch, len(ids))], &seq, n)
			select {
			case batches <- batch{rows, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		for _, row := range b.rows {
			if err := emit(row); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// exportBatch reads the engine's case rows of one batch of ids (one query
// per thousand cases instead of one per case) and builds their rows in the
// ids' order, numbering them from *seq.
func (s *Service) exportBatch(ctx context.Context, lang string, ids []string, seq *int, n *names) ([]exportRow, error) {
	var rows []caseRow
	if err := s.db.WithContext(ctx).Raw("SELECT id, number, state, received_at, past_due, data FROM cases WHERE id IN ?", ids).
		Scan(&rows).Error; err != nil {
		return nil, err
	}
	byID := make(map[string]*caseRow, len(rows))
	for i := range rows {
		byID[rows[i].ID] = &rows[i]
	}
	out := make([]exportRow, 0, len(ids))
	for _, id := range ids {
		r := byID[id]
		if r == nil {
			continue
		}
		*seq++
		row, err := buildRow(lang, *seq, r, n)
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return calendar.DateOf(*t).String()
}

// buildRow writes one case in the offices' columns.
func buildRow(lang string, seq int, r *caseRow, n *names) (exportRow, error) {
	c := &engine.Case{Data: []byte(r.Data)}
	d, err := financing.DataOf(c)
	if err != nil {
		return exportRow{}, err
	}
	T := func(key string) string { return locale.T(lang, key) }
	yes := func(b bool) string {
		if b {
			return T("report.yes")
		}
		return T("report.no")
	}
	out := exportRow{cells: make([]string, len(Columns))}
	set := func(col, v string) { out.cells[columnIndex[col]] = v }
	if out.sought, err = Fen(d.Amount); err != nil {
		return out, err
	}
	set("seq", fmt.Sprint(seq))
	set("number", r.Number)
	set("enterprise", d.Enterprise.Name)
	set("uscc", d.Enterprise.USCC)
	set("need", d.Need)
	var routed *time.Time
	if len(d.Rounds) > 0 {
		routed = &d.Rounds[0].RoutedAt
	}
	set("received", day(&r.ReceivedAt))
	set("bank", or(n.banks[d.LeadBank], d.LeadBankName))
	set("routed", day(routed))
	var last *financing.Round
	if k := len(d.Rounds); k > 0 {
		last = &d.Rounds[k-1]
		set("signed", day(last.AcceptedAt))
	}
	answer := (*financing.AnswerInput)(nil)
	var answeredAt *time.Time
	if d.Answer != nil {
		answer, answeredAt = &d.Answer.AnswerInput, &d.Answer.At
	} else if d.Resolution != nil {
		answer = &d.Resolution.AnswerInput
	}
	if answeredAt == nil && last != nil {
		answeredAt = last.AnsweredAt
	}
	set("answered", day(answeredAt))
	switch {
	case last != nil && last.AnsweredAt != nil:
		set("on_time", yes(!last.Late))
	case r.PastDue:
		set("on_time", T("report.overdue_open"))
	}
	if answer != nil {
		set("can_handle", T("financing.choice.can_handle."+answer.CanHandle))
		set("conditions", answer.Conditions)
		set("procedure", answer.Procedure)
	}
	var parts []string
	for _, b := range d.Participants {
		parts = append(parts, or(n.banks[b], b))
	}
	set("participants", strings.Join(parts, "、"))
	set("escalated", yes(d.Escalation != nil))
	if r.State == string(financing.Closed) && d.Outcome != "" {
		set("outcome", T("financing.choice.outcome."+d.Outcome))
		if d.Outcome == financing.OutcomeFinanced && d.Feedback != nil {
			if out.financed, err = Fen(d.Feedback.AmountFinanced); err != nil {
				return out, err
			}
		}
	}
	if k := len(d.FollowUps); k > 0 && d.FollowedUp {
		set("satisfaction", T("financing.choice.satisfaction."+d.FollowUps[k-1].Satisfaction))
	}
	var notes []string
	if r.State != string(financing.Closed) {
		notes = append(notes, fmt.Sprintf(T("report.note.state"), T("financing.state."+r.State)))
	}
	if last != nil && last.Late && last.WorkdaysLate > 0 {
		notes = append(notes, fmt.Sprintf(T("report.note.late"), last.WorkdaysLate))
	}
	if len(d.Returns) > 0 {
		notes = append(notes, fmt.Sprintf(T("report.note.returned"), len(d.Returns)))
	}
	granted := 0
	for _, x := range d.Extensions {
		if x.Decision == "granted" {
			granted++
		}
	}
	if granted > 0 {
		notes = append(notes, fmt.Sprintf(T("report.note.extended"), granted))
	}
	if d.Redone > 0 {
		notes = append(notes, fmt.Sprintf(T("report.note.redone"), d.Redone))
	}
	set("note", strings.Join(notes, "；"))
	if out.sought != nil {
		set("amount", Wan(*out.sought))
	}
	if out.financed != nil {
		set("financed", Wan(*out.financed))
	}
	return out, nil
}

// totals is the totals row: the count and the two sums.
type totals struct {
	n                int
	sought, financed int64
}

func (t *totals) add(r exportRow) {
	t.n++
	if r.sought != nil {
		t.sought += *r.sought
	}
	if r.financed != nil {
		t.financed += *r.financed
	}
}

func (t *totals) cells(lang string) []string {
	out := make([]string, len(Columns))
	out[0] = locale.T(lang, "report.total")
	out[1] = fmt.Sprintf(locale.T(lang, "report.total_cases"), t.n)
	for i, c := range Columns {
		switch c {
		case "amount":
			out[i] = Wan(t.sought)
		case "financed":
			out[i] = Wan(t.financed)
		}
	}
	return out
}

// writeCSV writes the header, the rows and the totals row as CSV in UTF-8
// with a byte-order mark, so that Excel in China opens it as UTF-8.
func writeCSV(w io.Writer, lang string, rows func(func(exportRow) error) error) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Header(lang)); err != nil {
		return err
	}
	var t totals
	err := rows(func(r exportRow) error {
		t.add(r)
		return cw.Write(r.cells)
	})
	if err != nil {
		return err
	}
	if err := cw.Write(t.cells(lang)); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeXLSX writes the workbook with excelize's StreamWriter: a title row
// with the period and scope, a frozen header, widths fitted to Chinese
// text, long texts wrapped, amounts as numbers with 2 decimals, a totals
// row.
func writeXLSX(w io.Writer, lang, title string, rows func(func(exportRow) error) error) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := locale.T(lang, "report.ledger.title")
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	font := &excelize.Font{Family: "宋体", Size: 10}
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		if err != nil {
			panic(err) // the styles below are constant and valid
		}
		return id
	}
	titleStyle := style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	headStyle := style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 10, Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	textStyle := style(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}})
	wrapStyle := style(&excelize.Style{Font: font, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	amountStyle := style(&excelize.Style{Font: font, Border: border, NumFmt: 2, Alignment: &excelize.Alignment{Vertical: "top"}})
	totalStyle := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Bold: true}, Border: border})
	totalAmount := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Bold: true}, Border: border, NumFmt: 2})

	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range colWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	lastCol, _ := excelize.ColumnNumberToName(len(Columns))
	if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	head := make([]any, len(Columns))
	for i, h := range Header(lang) {
		head[i] = excelize.Cell{StyleID: headStyle, Value: h}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	line := 3
	var t totals
	vals := make([]any, len(Columns))
	err = rows(func(r exportRow) error {
		t.add(r)
		for i, c := range Columns {
			switch {
			case c == "seq":
				vals[i] = excelize.Cell{StyleID: textStyle, Value: t.n}
			case amountCols[c] && r.cells[i] != "":
				fen := r.sought
				if c == "financed" {
					fen = r.financed
				}
				vals[i] = excelize.Cell{StyleID: amountStyle, Value: wanFloat(*fen)}
			case wrapped[c]:
				vals[i] = excelize.Cell{StyleID: wrapStyle, Value: r.cells[i]}
			default:
				vals[i] = excelize.Cell{StyleID: textStyle, Value: r.cells[i]}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		line++
		return sw.SetRow(cell, vals)
	})
	if err != nil {
		return err
	}
	tot := t.cells(lang)
	for i, c := range Columns {
		switch {
		case c == "amount":
			vals[i] = excelize.Cell{StyleID: totalAmount, Value: wanFloat(t.sought)}
		case c == "financed":
			vals[i] = excelize.Cell{StyleID: totalAmount, Value: wanFloat(t.financed)}
		default:
			vals[i] = excelize.Cell{StyleID: totalStyle, Value: tot[i]}
		}
	}
	cell, _ := excelize.CoordinatesToCellName(1, line)
	if err := sw.SetRow(cell, vals); err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// ContentType is the media type of an export in the format: the .xlsx
// workbook's, or UTF-8 CSV's.
func ContentType(format string) string {
	if format == FormatXLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}
