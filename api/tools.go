package api

import (
	"github.com/parkfin/parkfin/locale"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
)

// addWorkdays is the working-day calculator: the Nth working day after the
// day of from, and the instant (24:00 Asia/Shanghai) a limit of N working
// days ends.
func (s *Server) addWorkdays(c echo.Context) error {
	if s.cfg.Calendar == nil {
		return engine.Errorf(engine.ECALENDAR, "服务器未配置工作日日历。", "No working-day calendar is configured.")
	}
	from, err := time.Parse(time.RFC3339, c.QueryParam("from"))
	if err != nil {
		return engine.Invalid(engine.FieldError{Field: "from", Code: "time",
			Message: "from must be an RFC 3339 time.", MessageZH: "from 应为 RFC 3339 时间。"})
	}
	n, _ := strconv.Atoi(c.QueryParam("workdays"))
	cal := s.cfg.Calendar.Live().Current()
	day, err := cal.AddWorkdays(calendar.DateOf(from), n)
	if err != nil {
		return err
	}
	end, err := cal.Deadline(from, n)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"from": local(from), "workdays": n, "date": day.String(), "ends_at": local(end)})
}

// calendarYear shows a year's arrangement, overrides applied.
func (s *Server) calendarYear(c echo.Context) error {
	if s.cfg.Calendar == nil {
		return engine.Errorf(engine.ECALENDAR, "服务器未配置工作日日历。", "No working-day calendar is configured.")
	}
	y, _ := strconv.Atoi(c.Param("year"))
	info, err := s.cfg.Calendar.Live().Current().Year(y)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, info)
}

// verifyLedger verifies the whole ledger: for the two lead units and the
// administrator, since it counts every organisation's entries.
func (s *Server) verifyLedger(c echo.Context) error {
	if err := auth.MayAudit(actorOf(c)); err != nil {
		return err
	}
	r, err := s.engine.Store().VerifyLedger(c.Request().Context())
	if err != nil {
		return err
	}
	lang := langOf(c.Request())
	return c.JSON(http.StatusOK, map[string]any{"ok": r.OK(), "entries": r.Entries, "cases": r.Cases,
		"legacy": r.Legacy, "first_authenticated": r.FirstAuthenticated, "head_seq": r.HeadSeq, "unsealed": r.Unsealed,
		"kind": string(r.Kind), "problem": r.Problem, "message": locale.LedgerProblem(lang, r),
		"bad_seq": r.BadSeq, "bad_case": r.BadCase, "bad_unsealed": r.BadUnsealed, "field": r.Field, "walked": r.Walked})
}
