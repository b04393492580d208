package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/report"
)

// yearParam reads the required query parameter year.
func yearParam(c echo.Context) (int, error) {
	y, err := strconv.Atoi(c.QueryParam("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, engine.Invalid(engine.FieldError{Field: "year", Code: "range",
			Message: "Give the year, between 2000 and 2100.", MessageZH: "请给出年度（2000 至 2100 之间）。"})
	}
	return y, nil
}

// listFilings answers a year's loan filings in the caller's scope: a bank
// its own, a county office its parks', the offices everything.
func (s *Server) listFilings(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	items, err := svc.Filings(c.Request().Context(), actorOf(c), year)
	if err != nil {
		return err
	}
	if items == nil {
		items = []report.Filing{}
	}
	return c.JSON(http.StatusOK, map[string]any{"year": year, "items": items})
}

// filingInput is one filing as sent: the amount in yuan.
type filingInput struct {
	Year          int    `json:"year"`
	Bank          string `json:"bank"`
	Park          string `json:"park"`
	LoanIncrement string `json:"loan_increment"`
	GrowthRate    string `json:"growth_rate"`
	Borrowers     int    `json:"borrowers"`
}

// postFilings records filings, all or none, replacing those of the same
// year, bank and park.
func (s *Server) postFilings(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	var in struct {
		Filings []filingInput `json:"filings"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	if len(in.Filings) == 0 {
		return engine.Invalid(engine.FieldError{Field: "filings", Code: "required",
			Message: "Send at least one filing.", MessageZH: "请至少提交一条报送数据。"})
	}
	fs := make([]report.Filing, len(in.Filings))
	for i, f := range in.Filings {
		fs[i] = report.Filing{Year: f.Year, Bank: strings.TrimSpace(f.Bank), Park: strings.TrimSpace(f.Park),
			LoanIncrement: strings.TrimSpace(f.LoanIncrement), GrowthRate: strings.TrimSpace(f.GrowthRate), Borrowers: f.Borrowers}
	}
	if err := svc.File(c.Request().Context(), actorOf(c), fs); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"recorded": len(fs)})
}

// importFilings records the filings of a CSV file (the columns of
// report.FilingCSVHeader, amounts in 万元) sent as a JSON string.
func (s *Server) importFilings(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	var in struct {
		CSV string `json:"csv"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	n, err := svc.ImportFilingsCSV(c.Request().Context(), actorOf(c), strings.NewReader(in.CSV))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"recorded": n})
}

// yearlyAssessment answers the year's assessment of the lead banks (一年一考核):
// the ranking over the year with the filed loan figures beside.
func (s *Server) yearlyAssessment(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	rows, err := svc.Yearly(c.Request().Context(), actorOf(c), year)
	if err != nil {
		return err
	}
	if rows == nil {
		rows = []report.YearRow{}
	}
	return c.JSON(http.StatusOK, map[string]any{"year": year, "rows": rows})
}

// listEvaluations answers a half-year's evaluations: a bank its own, the
// offices every bank's.
func (s *Server) listEvaluations(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	items, err := svc.Evaluations(c.Request().Context(), actorOf(c), c.QueryParam("half"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"half": c.QueryParam("half"), "items": items})
}

// postEvaluation records the offices' assessment of a bank for a half-year
// or, from the bank, its rectification measures (整改措施).
func (s *Server) postEvaluation(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	var in struct {
		Half       string `json:"half"`
		Bank       string `json:"bank"`
		Assessment string `json:"assessment"`
		Measures   string `json:"measures"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	ev, err := svc.Evaluate(c.Request().Context(), actorOf(c), in.Half, in.Bank,
		strings.TrimSpace(in.Assessment), strings.TrimSpace(in.Measures))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}
