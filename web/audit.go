package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
)

// auditView is the auditor's page of the security audit log.
type auditView struct {
	Entries []audit.Entry
	Actor   string
	Action  string
	// More is the cursor of the next, older page; zero on the last.
	More int64
}

// auditPage lists the security audit log for the auditor, newest first,
// 100 at a time, narrowed by actor and action. The CSV export is the
// API's, which the session cookie reaches.
func (s *Server) auditPage(c echo.Context) error {
	if err := auth.MayReadAudit(actorOf(c)); err != nil {
		return err
	}
	as, ok := s.cfg.Auth.(audit.Store)
	if !ok {
		return engine.Errorf(engine.ENOTFOUND, "没有安全审计日志。", "There is no audit log.")
	}
	v := auditView{Actor: c.QueryParam("actor"), Action: c.QueryParam("action")}
	before, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	f := audit.Filter{Actor: v.Actor, Action: v.Action, Before: before, Limit: 100}
	var err error
	if v.Entries, err = as.AuditEntries(c.Request().Context(), f); err != nil {
		return err
	}
	if len(v.Entries) == f.Limit {
		v.More = v.Entries[len(v.Entries)-1].Seq
	}
	return s.render(c, http.StatusOK, "audit", v)
}

// change returns the audit entry of a change by the signed-in user, for
// the store to write in the change's own transaction.
func (s *Server) change(c echo.Context, action, target, detail string) *audit.Entry {
	e := s.who(c).Entry(action, target, audit.OK, detail)
	e.At = s.clock.Now()
	return &e
}
