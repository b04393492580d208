package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/shopspring/decimal"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/report"
)

// filingsView is the page of the banks' yearly loan figures: the year's
// filings, a form for one, and a CSV upload for many.
type filingsView struct {
	Year    int
	Filings []filingLine
	Banks   []engine.Bank
	Parks   []engine.Park
	// OwnBank is set for a bank's contact, who files for that bank only.
	OwnBank  string
	Errors   map[string]string
	Problems []string
	Done     int
	Form     map[string]string
}

// filingLine is one filing, formatted.
type filingLine struct {
	Bank, Park, LoanIncrement, GrowthRate string
	Borrowers                             int
}

func (s *Server) filingsView(c echo.Context, year int) (*filingsView, error) {
	svc, err := s.reportService()
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	a := actorOf(c)
	fs, err := svc.Filings(ctx, a, year)
	if err != nil {
		return nil, err
	}
	v := &filingsView{Year: year, Errors: map[string]string{}, Form: map[string]string{}}
	for _, f := range fs {
		fen, _ := report.Fen(f.LoanIncrement)
		v.Filings = append(v.Filings, filingLine{Bank: f.Bank, Park: f.Park, LoanIncrement: report.Wan(*fen), GrowthRate: f.GrowthRate, Borrowers: f.Borrowers})
	}
	dir := s.engine.Store().Directory()
	if v.Banks, err = dir.Banks(ctx); err != nil {
		return nil, err
	}
	if v.Parks, err = dir.Parks(ctx); err != nil {
		return nil, err
	}
	if a.Role == engine.RoleBank {
		v.OwnBank = a.Org
	}
	return v, nil
}

func yearOf(c echo.Context, s *Server) int {
	if y, err := strconv.Atoi(c.QueryParam("year")); err == nil {
		return y
	}
	if y, err := strconv.Atoi(c.FormValue("year")); err == nil {
		return y
	}
	return s.clock.Now().Year()
}

func (s *Server) filingsPage(c echo.Context) error {
	v, err := s.filingsView(c, yearOf(c, s))
	if err != nil {
		return err
	}
	v.Done, _ = strconv.Atoi(c.QueryParam("done"))
	return s.render(c, http.StatusOK, "filings", v)
}

// filingsPost records one filing from the form; amounts are typed in 万元.
func (s *Server) filingsPost(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	year := yearOf(c, s)
	f := report.Filing{Year: year, Bank: c.FormValue("bank"), Park: c.FormValue("park"), GrowthRate: strings.TrimSpace(c.FormValue("growth_rate"))}
	if a := actorOf(c); a.Role == engine.RoleBank {
		f.Bank = a.Org
	}
	if wan, err := decimal.NewFromString(strings.TrimSpace(c.FormValue("loan_increment"))); err == nil {
		f.LoanIncrement = wan.Shift(4).String()
	} else {
		f.LoanIncrement = strings.TrimSpace(c.FormValue("loan_increment"))
	}
	f.Borrowers, err = strconv.Atoi(strings.TrimSpace(c.FormValue("borrowers")))
	if err != nil {
		f.Borrowers = -1
	}
	err = svc.File(c.Request().Context(), actorOf(c), []report.Filing{f})
	if engine.ErrorCode(err) == engine.EINVALID {
		v, verr := s.filingsView(c, year)
		if verr != nil {
			return verr
		}
		v.Errors = fieldErrors(err, langOf(c))
		for _, k := range []string{"bank", "park", "loan_increment", "growth_rate", "borrowers"} {
			v.Form[k] = c.FormValue(k)
		}
		return s.render(c, http.StatusUnprocessableEntity, "filings", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/filings?year="+strconv.Itoa(year)+"&done=1")
}

// filingsImport records the filings of an uploaded CSV file, all or none.
func (s *Server) filingsImport(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	year := yearOf(c, s)
	fh, err := c.FormFile("file")
	if err != nil {
		return engine.Invalid(engine.FieldError{Field: "file", Code: "required", Message: "Choose a CSV file.", MessageZH: "请选择要导入的 CSV 文件。"})
	}
	file, err := fh.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	n, err := svc.ImportFilingsCSV(c.Request().Context(), actorOf(c), file)
	if engine.ErrorCode(err) == engine.EINVALID {
		v, verr := s.filingsView(c, year)
		if verr != nil {
			return verr
		}
		var e *engine.Error
		if asEngineError(err, &e) {
			for _, f := range e.Fields {
				msg := f.MessageZH
				if langOf(c) == "en" {
					msg = f.Message
				}
				v.Problems = append(v.Problems, msg)
			}
		}
		return s.render(c, http.StatusUnprocessableEntity, "filings", v)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/filings?year="+strconv.Itoa(year)+"&done="+strconv.Itoa(n))
}

func asEngineError(err error, target **engine.Error) bool { return errors.As(err, target) }
