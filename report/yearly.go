package report

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/parkfin/parkfin/engine"
)

// Filing is a bank's yearly report of its loans to one park's private and
// small enterprises (一年一考核): the loan increment (贷款增量, yuan), its growth
// rate (增速, percent) and the number of borrowing enterprises (户数). These
// are the bank's own figures; parkfin keeps and checks them, it cannot
// compute them.
type Filing struct {
	Year          int       `json:"year"`
	Bank          string    `json:"bank"`
	Park          string    `json:"park"`
	LoanIncrement string    `json:"loan_increment"`
	GrowthRate    string    `json:"growth_rate"`
	Borrowers     int       `json:"borrowers"`
	FiledAt       time.Time `json:"filed_at"`
	FiledBy       string    `json:"filed_by"`
}

type filingRow struct {
	Year          int    `gorm:"primaryKey"`
	Bank          string `gorm:"primaryKey"`
	Park          string `gorm:"primaryKey"`
	LoanIncrement string
	GrowthRate    string
	Borrowers     int
	FiledAt       time.Time
	FiledBy       string
}

func (filingRow) TableName() string { return "report_filings" }

// FilingCSVHeader is the import file's header: amounts in 万元, the rate in
// percent.
var FilingCSVHeader = []string{"年度", "银行", "园区", "贷款增量（万元）", "增速（%）", "户数"}

// check validates a filing, naming the row (0: a form) in every problem.
func (s *Service) checkFiling(ctx context.Context, row int, f *Filing, add func(engine.FieldError)) {
	where := func(field string) string {
		if row == 0 {
			return field
		}
		return fmt.Sprintf("row %d: %s", row, field)
	}
	zhWhere := func() string {
		if row == 0 {
			return ""
		}
		return fmt.Sprintf("第 %d 行：", row)
	}
	dir := s.engine.Store().Directory()
	if f.Year < 2000 || f.Year > 2100 {
		add(engine.FieldError{Field: where("year"), Code: "range", Message: "The year must be between 2000 and 2100.", MessageZH: zhWhere() + "年度应在 2000 至 2100 之间。"})
	}
	if _, err := dir.Bank(ctx, f.Bank); err != nil {
		add(engine.FieldError{Field: where("bank"), Code: "unknown", Message: "No bank " + f.Bank + ".", MessageZH: zhWhere() + "没有编码为“" + f.Bank + "”的银行。"})
	}
	if _, err := dir.Park(ctx, f.Park); err != nil {
		add(engine.FieldError{Field: where("park"), Code: "unknown", Message: "No park " + f.Park + ".", MessageZH: zhWhere() + "没有编码为“" + f.Park + "”的园区。"})
	}
	if d, err := decimal.NewFromString(f.LoanIncrement); err != nil || d.Exponent() < -2 {
		add(engine.FieldError{Field: where("loan_increment"), Code: "amount", Message: "The loan increment is an amount in yuan with at most 2 decimals (it may be negative).", MessageZH: zhWhere() + "贷款增量应为金额（元，最多两位小数，可为负数）。"})
	}
	if d, err := decimal.NewFromString(f.GrowthRate); err != nil || d.LessThan(decimal.NewFromInt(-100)) || d.Exponent() < -2 {
		add(engine.FieldError{Field: where("growth_rate"), Code: "rate", Message: "The growth rate is a percentage of at least -100 with at most 2 decimals.", MessageZH: zhWhere() + "增速应为不低于 -100 的百分数，最多两位小数。"})
	}
	if f.Borrowers < 0 {
		add(engine.FieldError{Field: where("borrowers"), Code: "range", Message: "The number of borrowers cannot be negative.", MessageZH: zhWhere() + "户数不能为负数。"})
	}
}

// mayFile reports whether the actor may file for the bank: the bank itself,
// or the city office, the central bank and the administrator.
func mayFile(a engine.Actor, bank string) bool {
	switch a.Role {
	case engine.RoleCity, engine.RolePBoC, engine.RoleAdmin, engine.RoleSystem:
		return true
	case engine.RoleBank:
		return a.Org == bank
	}
	return false
}

// File records filings, replacing those of the same year, bank and park.
// Every filing is checked first; one bad field refuses them all, with
// every problem named.
func (s *Service) File(ctx context.Context, a engine.Actor, filings []Filing) error {
	var problems []engine.FieldError
	for i := range filings {
		row := i + 1
		if len(filings) == 1 {
			row = 0
		}
		s.checkFiling(ctx, row, &filings[i], func(fe engine.FieldError) { problems = append(problems, fe) })
		if !mayFile(a, filings[i].Bank) {
			return engine.Errorf(engine.EFORBIDDEN, "银行只能报送本行的贷款数据。", "A bank files its own loan figures only.")
		}
	}
	if len(problems) > 0 {
		return engine.Invalid(problems...)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	rows := make([]filingRow, len(filings))
	for i, f := range filings {
		rows[i] = filingRow{Year: f.Year, Bank: f.Bank, Park: f.Park, LoanIncrement: f.LoanIncrement, GrowthRate: f.GrowthRate,
			Borrowers: f.Borrowers, FiledAt: now, FiledBy: a.User}
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).Create(&rows).Error
}

// ImportFilingsCSV reads filings from CSV (UTF-8, a byte-order mark
// allowed) with FilingCSVHeader's columns: bank and park by code, amounts
// in 万元. It returns how many it recorded.
func (s *Service) ImportFilingsCSV(ctx context.Context, a engine.Actor, r io.Reader) (int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(FilingCSVHeader)
	recs, err := cr.ReadAll()
	if err != nil {
		return 0, engine.Invalid(engine.FieldError{Field: "file", Code: "csv", Message: "The file is not CSV with 6 columns: " + err.Error(),
			MessageZH: "文件不是 6 列的 CSV：" + err.Error()})
	}
	if len(recs) == 0 || strings.TrimPrefix(strings.Join(recs[0], ","), "\ufeff") != strings.Join(FilingCSVHeader, ",") {
		return 0, engine.Invalid(engine.FieldError{Field: "file", Code: "header", Message: "The first row must be: " + strings.Join(FilingCSVHeader, ","),
			MessageZH: "第一行应为：" + strings.Join(FilingCSVHeader, ",")})
	}
	var filings []Filing
	var problems []engine.FieldError
	for i, rec := range recs[1:] {
		row := i + 2
		year, err1 := strconv.Atoi(strings.TrimSpace(rec[0]))
		borrowers, err2 := strconv.Atoi(strings.TrimSpace(rec[5]))
		wan, err3 := decimal.NewFromString(strings.TrimSpace(rec[3]))
		if err1 != nil || err2 != nil || err3 != nil {
			problems = append(problems, engine.FieldError{Field: fmt.Sprintf("row %d", row), Code: "number",
				Message: "Year, loan increment and borrowers must be numbers.", MessageZH: fmt.Sprintf("第 %d 行：年度、贷款增量、户数应为数字。", row)})
			continue
		}
		filings = append(filings, Filing{Year: year, Bank: strings.TrimSpace(rec[1]), Park: strings.TrimSpace(rec[2]),
			LoanIncrement: wan.Shift(4).String(), GrowthRate: strings.TrimSpace(rec[4]), Borrowers: borrowers})
		s.checkFiling(ctx, row, &filings[len(filings)-1], func(fe engine.FieldError) { problems = append(problems, fe) })
	}
	if len(problems) > 0 {
		return 0, engine.Invalid(problems...)
	}
	if len(filings) == 0 {
		return 0, nil
	}
	return len(filings), s.File(ctx, a, filings)
}

// Filings lists a year's filings the actor may see (a bank its own).
func (s *Service) Filings(ctx context.Context, a engine.Actor, year int) ([]Filing, error) {
	f, _, err := s.scoped(a, Filter{})
	if err != nil {
		return nil, err
	}
	db := s.db.WithContext(ctx).Where("year = ?", year)
	if f.Bank != "" {
		db = db.Where("bank = ?", f.Bank)
	}
	if f.Park != "" {
		db = db.Where("park = ?", f.Park)
	}
	if f.County != "" {
		db = db.Where("park IN (SELECT code FROM parks WHERE county_code = ?)", f.County)
	}
	var rows []filingRow
	if err := db.Order("bank, park").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Filing, len(rows))
	for i, r := range rows {
		out[i] = Filing{Year: r.Year, Bank: r.Bank, Park: r.Park, LoanIncrement: r.LoanIncrement, GrowthRate: r.GrowthRate,
			Borrowers: r.Borrowers, FiledAt: r.FiledAt, FiledBy: r.FiledBy}
	}
	return out, nil
}

// YearRow is a bank's yearly assessment: its ranking row over the year and
// the sums of its filings.
type YearRow struct {
	RankRow
	LoanIncrement string `json:"loan_increment"`
	Borrowers     int    `json:"borrowers"`
	Parks         int    `json:"parks_filed"`
}

// Yearly returns the year's assessment of the lead banks (一年一考核): the
// ranking over the whole year with the filed loan figures beside, the
// bottom five flagged. A bank sees its own row.
func (s *Service) Yearly(ctx context.Context, a engine.Actor, year int) ([]YearRow, error) {
	f, all, err := s.scoped(a, Filter{})
	if err != nil {
		return nil, err
	}
	p, _ := ParsePeriod(strconv.Itoa(year))
	r, err := s.rank(ctx, p)
	if err != nil {
		return nil, err
	}
	flagBottomFive(r.Rows)
	filings, err := s.Filings(ctx, engine.Actor{Role: engine.RoleSystem}, year)
	if err != nil {
		return nil, err
	}
	var out []YearRow
	for _, row := range r.Rows {
		if !all && row.Bank != f.Bank {
			continue
		}
		y := YearRow{RankRow: row}
		sum := decimal.Zero
		for _, x := range filings {
			if x.Bank == row.Bank {
				sum = sum.Add(decimal.RequireFromString(x.LoanIncrement))
				y.Borrowers += x.Borrowers
				y.Parks++
			}
		}
		y.LoanIncrement = sum.StringFixed(2)
		out = append(out, y)
	}
	return out, nil
}

// flagBottomFive marks the last five ranked banks that have a score.
func flagBottomFive(rows []RankRow) {
	n := 0
	for i := len(rows) - 1; i >= 0 && n < 5; i-- {
		if rows[i].Score != nil {
			rows[i].BottomFive = true
			n++
		}
	}
}

// Evaluation is the half-year evaluation of a lead bank (半年一评估): the
// offices' assessment, the bank's rectification measures (整改措施), and the
// half-year's figures as they stood when it was recorded.
type Evaluation struct {
	Half       string    `json:"half"`
	Bank       string    `json:"bank"`
	Assessment string    `json:"assessment"`
	Measures   string    `json:"measures"`
	Figures    *Figures  `json:"figures"`
	RecordedAt time.Time `json:"recorded_at"`
	RecordedBy string    `json:"recorded_by"`
}

type evaluationRow struct {
	Half       string `gorm:"primaryKey"`
	Bank       string `gorm:"primaryKey"`
	Assessment string
	Measures   string
	Figures    string
	RecordedAt time.Time
	RecordedBy string
}

func (evaluationRow) TableName() string { return "report_evaluations" }

// Evaluate records the offices' assessment of a bank for a half-year
// ("2026H1"), with the half-year's figures attached, or — as the bank —
// its rectification measures. An assessment is the city office's or the
// central bank's; measures are the bank's own.
func (s *Service) Evaluate(ctx context.Context, a engine.Actor, half, bank, assessment, measures string) (*Evaluation, error) {
	p, err := ParsePeriod(half)
	if err != nil || !strings.Contains(p.Label, "H") {
		return nil, engine.Invalid(engine.FieldError{Field: "half", Code: "format", Message: "The half-year is written like 2026H1.", MessageZH: "半年度应写作 2026H1 这样的格式。"})
	}
	if _, err := s.engine.Store().Directory().Bank(ctx, bank); err != nil {
		return nil, err
	}
	office := a.Role == engine.RoleCity || a.Role == engine.RolePBoC || a.Role == engine.RoleSystem
	switch {
	case assessment != "" && !office:
		return nil, engine.Errorf(engine.EFORBIDDEN, "评估意见由市金融办或人民银行填写。", "The assessment is the city office's or the central bank's.")
	case measures != "" && !(a.Role == engine.RoleBank && a.Org == bank) && a.Role != engine.RoleSystem:
		return nil, engine.Errorf(engine.EFORBIDDEN, "整改措施由被评估银行填写。", "The rectification measures are the bank's own.")
	case assessment == "" && measures == "":
		return nil, engine.Invalid(engine.FieldError{Field: "assessment", Code: "required", Message: "Give the assessment or the measures.", MessageZH: "请填写评估意见或整改措施。"})
	}
	st, err := s.Stats(ctx, engine.Actor{Role: engine.RoleSystem}, Query{Period: p, Filter: Filter{Bank: bank}})
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(st.Total)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	var row evaluationRow
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Where("half = ? AND bank = ?", p.Label, bank).First(&row).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		row.Half, row.Bank, row.Figures, row.RecordedAt, row.RecordedBy = p.Label, bank, string(raw), now, a.User
		if assessment != "" {
			row.Assessment = assessment
		}
		if measures != "" {
			row.Measures = measures
		}
		return tx.Save(&row).Error
	})
	if err != nil {
		return nil, err
	}
	return &Evaluation{Half: row.Half, Bank: row.Bank, Assessment: row.Assessment, Measures: row.Measures, Figures: st.Total,
		RecordedAt: row.RecordedAt, RecordedBy: row.RecordedBy}, nil
}
