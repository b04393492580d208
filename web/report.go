package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/report"
)

// statsView is the 统计 page: the period's figures in all and cut by a
// dimension, with the downloads of the 解决台账 and 问题清单.
type statsView struct {
	Period, By string
	Stats      *report.Stats
	Groups     []statsGroup
	Total      statsGroup
	// Chart is the answer rate and fulfilment per group, as JSON.
	ChartKeys, ChartAnswer, ChartFulfil string
}

// statsGroup is one row of the breakdown, formatted.
type statsGroup struct {
	Key                                                                   string
	Received, Signed, LimitDue, OnTime, Late, OpenPast, Closed, Escalated int64
	AnswerRate, Fulfilment, Success, Satisfied, SignRate                  string
}

func pctText(r report.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", *r.Value*100)
}

func groupOf(k string, f *report.Figures) statsGroup {
	return statsGroup{Key: k, Received: f.Received, Signed: f.Signed, LimitDue: f.LimitDue, OnTime: f.AnsweredOnTime,
		Late: f.AnsweredLate, OpenPast: f.OpenPastLimit, Closed: f.Closed, Escalated: f.Escalated,
		AnswerRate: pctText(f.AnswerRate), Fulfilment: pctText(f.Fulfilment), Success: pctText(f.SuccessRate),
		Satisfied: pctText(f.SatisfiedShare), SignRate: pctText(f.SignRate)}
}

// currentQuarter is the quarter of now, as "2026Q3".
func currentQuarter(now time.Time) string {
	d := calendar.DateOf(now)
	return fmt.Sprintf("%dQ%d", d.Year, (int(d.Month)+2)/3)
}

func (s *Server) reportService() (*report.Service, error) {
	if s.cfg.Report == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "本服务未启用统计功能。", "Statistics are not enabled on this server.")
	}
	return s.cfg.Report, nil
}

func (s *Server) statsPage(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	period := c.QueryParam("period")
	if period == "" {
		period = currentQuarter(s.clock.Now())
	}
	by := c.QueryParam("by")
	if by == "" {
		by = report.ByBank
	}
	p, err := report.ParsePeriod(period)
	if err != nil {
		return err
	}
	st, err := svc.Stats(c.Request().Context(), actorOf(c), report.Query{Period: p, By: by})
	if err != nil {
		return err
	}
	v := &statsView{Period: p.Label, By: by, Stats: st, Total: groupOf("", st.Total)}
	keys, answer, fulfil := []string{}, []*float64{}, []*float64{}
	// The chart names banks, parks and counties as people know them, not
	// by their codes.
	names, _, _ := s.orgs(c.Request().Context())
	for _, k := range st.GroupKeys() {
		v.Groups = append(v.Groups, groupOf(k, st.Groups[k]))
		label := k
		if n := names[k]; n != "" {
			label = n
		}
		keys = append(keys, label)
		answer = append(answer, percent(st.Groups[k].AnswerRate))
		fulfil = append(fulfil, percent(st.Groups[k].Fulfilment))
	}
	v.ChartKeys, v.ChartAnswer, v.ChartFulfil = jsonOf(keys), jsonOf(answer), jsonOf(fulfil)
	return s.render(c, http.StatusOK, "stats", v)
}

func percent(r report.Rate) *float64 {
	if r.Value == nil {
		return nil
	}
	v := *r.Value * 100
	return &v
}

func jsonOf(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}

// statsExport downloads the 解决台账 or 问题清单 of the period.
func (s *Server) statsExport(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	p, err := report.ParsePeriod(c.QueryParam("period"))
	if err != nil {
		return err
	}
	req := report.ExportRequest{Query: report.Query{Period: p, Filter: report.Filter{Bank: c.QueryParam("bank")}}, Kind: c.QueryParam("kind"), Format: c.QueryParam("format"), Lang: langOf(c)}
	var buf bytes.Buffer
	name, err := svc.Export(c.Request().Context(), actorOf(c), req, &buf)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Blob(http.StatusOK, report.ContentType(req.Format), buf.Bytes())
}

// rankingView is the ranking page: the quarter's ranking, its chart and its
// download.
type rankingView struct {
	Quarter  string
	Ranking  *report.Ranking
	Rows     []rankLine
	Names    string
	Scores   string
	Printing bool
}

func (s *Server) rankingPage(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	q := c.QueryParam("quarter")
	if q == "" {
		q = currentQuarter(s.clock.Now())
	}
	p, err := report.ParsePeriod(q)
	if err != nil {
		return err
	}
	r, err := svc.Ranking(c.Request().Context(), actorOf(c), p, 0)
	if err != nil {
		return err
	}
	v := &rankingView{Quarter: p.Label, Ranking: r, Printing: c.QueryParam("print") != ""}
	names, scores := []string{}, []*float64{}
	for _, row := range r.Rows {
		names = append(names, row.BankName)
		scores = append(scores, row.Score)
		line := rankLine{Rank: row.Rank, Bank: row.Bank, Score: "—", AnswerRate: pctText(row.Figures.AnswerRate),
			Fulfilment: pctText(row.Figures.Fulfilment), OpenPast: row.Figures.OpenPastLimit, Interview: row.Interview,
			SubmissionsDue: row.SubmissionsDue, SubmissionsLate: row.SubmissionsLate}
		if row.Score != nil {
			line.Score = fmt.Sprintf("%.2f", *row.Score)
		}
		v.Rows = append(v.Rows, line)
	}
	v.Names, v.Scores = jsonOf(names), jsonOf(scores)
	return s.render(c, http.StatusOK, "ranking", v)
}

// rankingExport downloads the ranking as .xlsx.
func (s *Server) rankingExport(c echo.Context) error {
	svc, err := s.reportService()
	if err != nil {
		return err
	}
	p, err := report.ParsePeriod(c.QueryParam("quarter"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name, err := svc.ExportRanking(c.Request().Context(), actorOf(c), p, langOf(c), &buf)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	return c.Blob(http.StatusOK, report.ContentType(report.FormatXLSX), buf.Bytes())
}

// rankLine is one bank's row of the ranking, formatted.
type rankLine struct {
	Rank                                int
	Bank, Score, AnswerRate, Fulfilment string
	OpenPast                            int64
	Interview                           []string
	SubmissionsDue, SubmissionsLate     int
}
