package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
	"github.com/parkfin/parkfin/locale"
)

// overrideRow is one year's calendar override as the page lists it.
type overrideRow struct {
	Year               int
	UpdatedAt, By      string
	Holidays, Workdays int
}

func (s *Server) calendarPage(c echo.Context) error {
	v := &adminView{Done: c.QueryParam("done"), Year: calendar.DateOf(s.clock.Now()).Year + 1}
	return s.renderCalendar(c, http.StatusOK, v)
}

func (s *Server) renderCalendar(c echo.Context, status int, v *adminView) error {
	if s.cfg.Overrides == nil {
		return engine.Errorf(engine.ECALENDAR, "服务器未配置工作日日历。", "No working-day calendar is configured.")
	}
	list, err := s.cfg.Overrides.List(c.Request().Context())
	if err != nil {
		return err
	}
	var rows []overrideRow
	for _, o := range list {
		r := overrideRow{Year: o.Year, UpdatedAt: fmtTime(o.UpdatedAt), By: o.UpdatedBy}
		var d struct {
			Holidays []json.RawMessage `json:"holidays"`
			Makeup   []json.RawMessage `json:"makeup_workdays"`
		}
		_ = json.Unmarshal(o.Data, &d)
		r.Holidays, r.Workdays = len(d.Holidays), len(d.Makeup)
		rows = append(rows, r)
	}
	return s.render(c, status, "calendar", calendarView{adminView: v, Rows: rows})
}

// calendarView is the calendar page's data.
type calendarView struct {
	*adminView
	Rows []overrideRow
}

// Admin returns the page's common data, for the shared notice.
func (v calendarView) Admin() *adminView { return v.adminView }

// calendarPost puts a year's notice (the cn-workdays.json entry of that
// year), uploaded as a file or pasted, in force at once.
func (s *Server) calendarPost(c echo.Context) error {
	if s.cfg.Overrides == nil {
		return engine.Errorf(engine.ECALENDAR, "服务器未配置工作日日历。", "No working-day calendar is configured.")
	}
	v := &adminView{}
	year, err := strconv.Atoi(c.FormValue("year"))
	v.Year = year
	if err != nil || year < 2000 || year > 2100 {
		return s.calendarFailed(c, v, engine.Invalid(engine.FieldError{Field: "year", Code: "range",
			Message: "Enter a year such as 2027.", MessageZH: "请填写年份，例如 2027。"}))
	}
	data := []byte(c.FormValue("data"))
	if fh, ferr := c.FormFile("file"); ferr == nil {
		f, err := fh.Open()
		if err != nil {
			return err
		}
		data, err = io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err != nil {
			return err
		}
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, bytes.TrimSpace(data)); err != nil {
		return s.calendarFailed(c, v, engine.Invalid(engine.FieldError{Field: "data", Code: "malformed",
			Message: "The notice is not valid JSON.", MessageZH: "节假日安排的格式有误（应为 JSON）。"}))
	}
	o := calendar.Override{Year: year, Data: compact.Bytes(), UpdatedAt: s.clock.Now(), UpdatedBy: userOf(c).Name}
	if err := s.cfg.Overrides.Put(c.Request().Context(), o, s.change(c, audit.CalendarChange, strconv.Itoa(year), "已保存节假日安排")); err != nil {
		return s.calendarFailed(c, v, err)
	}
	return c.Redirect(http.StatusSeeOther, "/admin/calendar?done="+strconv.Itoa(year))
}

func (s *Server) calendarFailed(c echo.Context, v *adminView, err error) error {
	if engine.ErrorCode(err) == engine.EINTERNAL {
		return err
	}
	v.Errors = fieldErrors(err, langOf(c))
	if len(v.Errors) == 0 {
		v.Error = errText(err, langOf(c))
	}
	v.Values = map[string]string{"data": c.FormValue("data")}
	return s.renderCalendar(c, http.StatusUnprocessableEntity, v)
}

// ledgerPage verifies the whole resolution ledger on request: for the two
// lead units and the administrator.
func (s *Server) ledgerPage(c echo.Context) error {
	if err := auth.MayAudit(actorOf(c)); err != nil {
		return err
	}
	v := &adminView{}
	if c.QueryParam("run") != "" {
		r, err := s.engine.Store().VerifyLedger(c.Request().Context())
		if err != nil {
			return err
		}
		v.Ran, v.OK = true, r.OK()
		v.Info = fmt.Sprintf("%d/%d", r.Entries, r.Cases)
		lang := langOf(c)
		v.Error = locale.LedgerProblem(lang, r)
		v.Values = map[string]string{"entries": strconv.Itoa(r.Entries), "cases": strconv.Itoa(r.Cases),
			"legacy": locale.LedgerLegacy(lang, r)}
	}
	return s.render(c, http.StatusOK, "ledger", v)
}

// tokensPage lists one's own personal API tokens.
func (s *Server) tokensPage(c echo.Context) error {
	v := &adminView{Done: c.QueryParam("done")}
	return s.renderTokens(c, http.StatusOK, v)
}

func (s *Server) renderTokens(c echo.Context, status int, v *adminView) error {
	var err error
	if v.Tokens, err = s.cfg.Auth.Tokens(c.Request().Context(), userOf(c).Name); err != nil {
		return err
	}
	return s.render(c, status, "tokens", v)
}

// tokenPost issues a token (shown once) or revokes one of one's own.
func (s *Server) tokenPost(c echo.Context) error {
	ctx := c.Request().Context()
	u := userOf(c)
	v := &adminView{}
	if id := c.FormValue("revoke"); id != "" {
		t, err := s.cfg.Auth.Token(ctx, id)
		if err != nil || t.User != u.Name {
			return echo.ErrNotFound
		}
		if err := s.cfg.Auth.RevokeToken(ctx, id, s.clock.Now()); err != nil {
			return err
		}
		e := s.who(c).Entry(audit.TokenRevoke, u.Name, audit.OK, id)
		e.At = s.clock.Now()
		s.audit.Record(ctx, e)
		return c.Redirect(http.StatusSeeOther, "/tokens?done=revoke")
	}
	name := normText(c.FormValue("name"))
	days, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("ttl_days")))
	if days <= 0 {
		days = 90
	}
	var err error
	v.Secret, _, err = s.signin.IssueToken(ctx, s.who(c), u.Name, name, c.FormValue("password"), time.Duration(days)*24*time.Hour, s.clock.Now())
	if err != nil {
		v.Errors = fieldErrors(err, langOf(c))
		if len(v.Errors) == 0 {
			v.Error = errText(err, langOf(c))
		} else if msg, ok := v.Errors["ttl_days"]; ok {
			v.Errors["ttl"] = msg
		}
		return s.renderTokens(c, http.StatusUnprocessableEntity, v)
	}
	return s.renderTokens(c, http.StatusOK, v)
}
