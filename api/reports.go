package api

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/report"
)

// reportService returns the supervision side, or an error when the server
// was built without it.
func (s *Server) reportService() (*report.Service, error) {
	if s.cfg.Report == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "本服务未启用统计功能。", "Statistics are not enabled on this server.")
	}
	return s.cfg.Report, nil
}

// reportQuery reads period, bank, park, county and by.
func reportQuery(c echo.Context) (report.Query, error) {
	p, err := report.ParsePeriod(c.QueryParam("period"))
	if err != nil {
		return report.Query{}, err
	}
	return report.Query{Period: p, By: c.QueryParam("by"),
		Filter: report.Filter{Bank: c.QueryParam("bank"), Park: c.QueryParam("park"), County: c.QueryParam("county")}}, nil
}

// getStats answers the indicators of a period for the caller's scope, cut
// by bank, park or county when asked.
func (s *Server) getStats(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	q, err := reportQuery(c)
	if err != nil {
		return err
	}
	st, err := svc.Stats(c.Request().Context(), actorOf(c), q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// statsCases lists the cases behind one figure.
func (s *Server) statsCases(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	q, err := reportQuery(c)
	if err != nil {
		return err
	}
	list, err := svc.Cases(c.Request().Context(), actorOf(c), q, c.QueryParam("figure"))
	if err != nil {
		return err
	}
	if list == nil {
		list = []report.CaseRef{}
	}
	return c.JSON(http.StatusOK, map[string]any{"figure": c.QueryParam("figure"), "items": list})
}

// quarterOf reads the path's quarter.
func quarterOf(c echo.Context) (report.Period, error) {
	p, err := report.ParsePeriod(c.Param("quarter"))
	if err != nil || len(p.Label) != 6 || p.Label[4] != 'Q' {
		return report.Period{}, engine.Invalid(engine.FieldError{Field: "quarter", Code: "format",
			Message: "The quarter is written like 2026Q3.", MessageZH: "季度应写作 2026Q3 这样的格式。"})
	}
	return p, nil
}

// getRanking answers a quarter's ranking: its newest published version (or
// the version asked for), or computed now. A bank sees its own row.
func (s *Server) getRanking(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	p, err := quarterOf(c)
	if err != nil {
		return err
	}
	version, _ := strconv.Atoi(c.QueryParam("version"))
	r, err := svc.Ranking(c.Request().Context(), actorOf(c), p, version)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

// publishRanking freezes the quarter's ranking as a new version.
func (s *Server) publishRanking(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	p, err := quarterOf(c)
	if err != nil {
		return err
	}
	var in struct {
		Note string `json:"note"`
	}
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	r, err := svc.Publish(c.Request().Context(), actorOf(c), p, in.Note)
	if err != nil {
		return err
	}
	s.record(c, audit.ConfigChange, "ranking "+c.Param("quarter"), audit.OK, "发布："+in.Note)
	return c.JSON(http.StatusCreated, r)
}

// exportLedger answers the 解决台账 (or, with kind=problems, the 问题清单) as a
// download.
func (s *Server) exportLedger(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	q, err := reportQuery(c)
	if err != nil {
		return err
	}
	req := report.ExportRequest{Query: q, Kind: c.QueryParam("kind"), Format: c.QueryParam("format"),
		Lang: locale.Lang(c.Request().Header.Get("Accept-Language"))}
	if req.Kind == "" {
		req.Kind = report.KindLedger
	}
	// Written to memory first so that an error still answers a problem
	// document; the workbook itself is built by a streaming writer.
	var buf bytes.Buffer
	name, err := svc.Export(c.Request().Context(), actorOf(c), req, &buf)
	if err != nil {
		return err
	}
	s.record(c, audit.ExportDownload, name, audit.OK, req.Kind+" "+c.QueryParam("period"))
	c.Response().Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Blob(http.StatusOK, report.ContentType(req.Format), buf.Bytes())
}

// exportRanking answers the quarter's ranking as an .xlsx download.
func (s *Server) exportRanking(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	p, err := quarterOf(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name, err := svc.ExportRanking(c.Request().Context(), actorOf(c), p, c.Request().Header.Get("Accept-Language"), &buf)
	if err != nil {
		return err
	}
	s.record(c, audit.ExportDownload, name, audit.OK, "ranking "+c.Param("quarter"))
	c.Response().Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Blob(http.StatusOK, report.ContentType(report.FormatXLSX), buf.Bytes())
}
