package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/engine/calendar"
)

// overrideView is one year's local calendar entry as the API shows it.
type overrideView struct {
	Year      int             `json:"year"`
	Data      json.RawMessage `json:"data"`
	UpdatedAt time.Time       `json:"updated_at"`
	UpdatedBy string          `json:"updated_by"`
}

func viewOverride(o calendar.Override) overrideView {
	return overrideView{Year: o.Year, Data: o.Data, UpdatedAt: local(o.UpdatedAt), UpdatedBy: o.UpdatedBy}
}

// listCalendarOverrides lists the administrator's calendar entries.
func (s *Server) listCalendarOverrides(c echo.Context) error {
	list, err := s.cfg.Calendar.List(c.Request().Context())
	if err != nil {
		return err
	}
	items := make([]overrideView, len(list))
	for i, o := range list {
		items[i] = viewOverride(o)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// putCalendarOverride sets a year's local entry (next year's notice, a local
// day off) and puts the calendar with it in force at once; the other
// processes pick it up within a minute.
func (s *Server) putCalendarOverride(c echo.Context) error {
	a := actorOf(c)
	if err := auth.MayAdminister(a); err != nil {
		return err
	}
	year, _ := strconv.Atoi(c.Param("year"))
	var compact bytes.Buffer
	if err := json.Compact(&compact, bodyOf(c)); err != nil {
		return engine.Invalid(engine.FieldError{Field: "body", Code: "malformed", Message: "The body is not valid JSON.", MessageZH: "提交的内容格式有误。"})
	}
	o := calendar.Override{Year: year, Data: compact.Bytes(), UpdatedAt: s.engine.Clock().Now(), UpdatedBy: a.User}
	ctx := c.Request().Context()
	if err := s.cfg.Calendar.Put(ctx, o, s.change(c, audit.CalendarChange, strconv.Itoa(year), "已保存节假日安排")); err != nil {
		return err
	}
	// Deadlines counted provisionally for want of this year's notice are
	// recomputed at once, each case in its own transaction.
	n, err := s.engine.RecomputeProvisional(ctx)
	if err != nil {
		return err
	}
	info, err := s.cfg.Calendar.Live().Current().Year(year)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"override": viewOverride(o), "year": info, "recomputed_cases": n})
}

// deleteCalendarOverride removes a year's local entry.
func (s *Server) deleteCalendarOverride(c echo.Context) error {
	if err := auth.MayAdminister(actorOf(c)); err != nil {
		return err
	}
	year, _ := strconv.Atoi(c.Param("year"))
	if err := s.cfg.Calendar.Delete(c.Request().Context(), year, s.change(c, audit.CalendarChange, strconv.Itoa(year), "已删除节假日安排")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
