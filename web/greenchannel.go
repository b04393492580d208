package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/report"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/greenchannel"
)

// greenView is a green-channel project on its case page: where it came
// from, and each step with its date, amount and the time it took.
type greenView struct {
	Data *greenchannel.Data
	// CanHandleKey names the bank's answer; Sought is the financing the
	// enterprise sought, in 万元.
	CanHandleKey, Sought, USCC string
	Rows                       []greenStepRow
	Total                      *greenStepRow
	Provisional                bool
}

// greenStepRow is one step of a project: recorded (with its date and
// time) or still to do.
type greenStepRow struct {
	Key, Date, Amount, From, Reason string
	Workdays, Days                  int
	Done, Provisional, Stop         bool
}

// greenLink is a project on its financing case's page.
type greenLink struct {
	ID, Number, Bank string
	State            tag
}

// greenViewOf builds a project's section of its case page; nil for a case
// of another workflow.
func (s *Server) greenViewOf(cs *engine.Case) (*greenView, error) {
	if cs.Workflow != greenchannel.Name {
		return nil, nil
	}
	d, err := greenchannel.DataOf(cs)
	if err != nil {
		return nil, err
	}
	tm, err := greenchannel.TimingOf(d, s.cfg.Calendar)
	if err != nil {
		return nil, err
	}
	v := &greenView{Data: d, CanHandleKey: financing.Key("choice", "can_handle."+d.CanHandle), USCC: groupUSCC(d.Enterprise.USCC)}
	if d.Amount != "" {
		v.Sought = wan(d.Amount)
	}
	for _, sp := range tm.Steps {
		r := greenRowOf(sp)
		if sp.Step == greenchannel.Stop && d.Stopped != nil {
			r.Stop, r.Reason = true, d.Stopped.Reason
		}
		v.Rows = append(v.Rows, r)
		v.Provisional = v.Provisional || sp.Provisional
	}
	if d.Stopped == nil {
		for _, ev := range greenchannel.Steps[len(d.Steps):] {
			v.Rows = append(v.Rows, greenStepRow{Key: greenchannel.Key("event", string(ev))})
		}
	}
	if tm.Total != nil {
		r := greenRowOf(*tm.Total)
		v.Total = &r
	}
	return v, nil
}

func greenRowOf(sp greenchannel.Span) greenStepRow {
	r := greenStepRow{Key: greenchannel.Key("event", string(sp.Step)), Date: sp.To, From: sp.From,
		Workdays: sp.Workdays, Days: sp.Days, Done: true, Provisional: sp.Provisional}
	if sp.Amount != "" {
		r.Amount = wan(sp.Amount)
	}
	return r
}

// greenLinksOf lists a financing case's green-channel projects that the
// actor may see, with their current step.
func (s *Server) greenLinksOf(ctx context.Context, a engine.Actor, d *financing.Data) []greenLink {
	var out []greenLink
	for _, p := range d.GreenChannel {
		cs, err := s.engine.Case(ctx, a, p.CaseID)
		if err != nil {
			continue // another bank's project: not the actor's to see
		}
		out = append(out, greenLink{ID: cs.ID, Number: cs.Number, Bank: p.Bank, State: s.caseStateTag(cs)})
	}
	return out
}

// greenReportView is the green channel's report page: the projects opened
// in the period with each step's time, and each bank's averages.
type greenReportView struct {
	Period, Range string
	Steps         []string
	Rows          []greenReportRow
	Banks         []greenBankRow
}

// greenReportRow is a project of the report; Cells are its steps in order.
type greenReportRow struct {
	ID, Number, Enterprise, Bank string
	State                        tag
	Cells                        []greenCell
	Total                        *greenCell
}

// greenCell is a step's day and time: "2 / 2" working and calendar days.
type greenCell struct {
	Date, Amount   string
	Workdays, Days int
	Provisional    bool
}

// greenBankRow is a bank's average times, as "3.5 / 5.0".
type greenBankRow struct {
	Bank     string
	Projects int
	Cells    []string
	Total    string
}

func avgText(a greenchannel.Average) string {
	if a.N == 0 {
		return "—"
	}
	return a.Text(true) + " / " + a.Text(false)
}

func (s *Server) greenReport(c echo.Context) (*greenchannel.Report, report.Period, error) {
	period := c.QueryParam("period")
	if period == "" {
		period = strconv.Itoa(calendar.DateOf(s.clock.Now()).Year)
	}
	p, err := report.ParsePeriod(period)
	if err != nil {
		return nil, p, err
	}
	r, err := report.GreenChannel(c.Request().Context(), s.engine, actorOf(c), p, s.cfg.Calendar)
	return r, p, err
}

// greenPage shows the green channel's report for a period (a year by
// default).
func (s *Server) greenPage(c echo.Context) error {
	r, p, err := s.greenReport(c)
	if err != nil {
		return err
	}
	v := &greenReportView{Period: p.Label, Range: p.String()}
	for _, ev := range greenchannel.Steps {
		v.Steps = append(v.Steps, greenchannel.Key("event", string(ev)))
	}
	for _, row := range r.Rows {
		rr := greenReportRow{ID: row.Case.ID, Number: row.Case.Number, Enterprise: row.Data.Enterprise.Name,
			Bank: row.Data.Bank, State: s.caseStateTag(row.Case)}
		for _, ev := range greenchannel.Steps {
			var cell greenCell
			if sp := row.Span(ev); sp != nil {
				cell = greenCell{Date: sp.To, Workdays: sp.Workdays, Days: sp.Days, Provisional: sp.Provisional}
				if sp.Amount != "" {
					cell.Amount = wan(sp.Amount)
				}
			}
			rr.Cells = append(rr.Cells, cell)
		}
		if tot := row.Timing.Total; tot != nil && row.Case.State == greenchannel.Disbursed {
			rr.Total = &greenCell{Date: tot.To, Workdays: tot.Workdays, Days: tot.Days, Provisional: tot.Provisional}
		}
		v.Rows = append(v.Rows, rr)
	}
	for _, b := range r.Banks {
		br := greenBankRow{Bank: b.Bank, Projects: b.Projects, Total: avgText(b.Total)}
		for _, ev := range greenchannel.Steps {
			br.Cells = append(br.Cells, avgText(b.Steps[ev]))
		}
		v.Banks = append(v.Banks, br)
	}
	return s.render(c, http.StatusOK, "greenchannel", v)
}

// greenExport downloads the green channel's report as .xlsx.
func (s *Server) greenExport(c echo.Context) error {
	r, p, err := s.greenReport(c)
	if err != nil {
		return err
	}
	lang := langOf(c)
	names, _, _ := s.orgs(c.Request().Context())
	org := func(code string) string {
		if n := names[code]; n != "" {
			return n
		}
		return code
	}
	var buf bytes.Buffer
	title := fmt.Sprintf(locale.T(lang, "greenchannel.web.title"), p.Label, p.String())
	if err := report.WriteGreenChannel(&buf, lang, title, r, org); err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(report.GreenChannelFilename(lang, p)))
	return c.Blob(http.StatusOK, report.ContentType(report.FormatXLSX), buf.Bytes())
}

// withGreenChannel adds the green channel's report to the menu of the
// roles that see projects: the banks, the windows and the offices.
func withGreenChannel(r engine.Role, menu []menuGroup) []menuGroup {
	switch r {
	case engine.RoleBank, engine.RoleWindow, engine.RoleCounty, engine.RoleCountyPBoC, engine.RoleCity, engine.RolePBoC:
	default:
		return menu
	}
	return beforeSearch(menu, menuItem{"web.nav.greenchannel", "/greenchannel"})
}
