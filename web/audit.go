package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
	"github.com/parkfin/parkfin/locale"
)

// auditView is the auditor's page of the security audit log.
type auditView struct {
	Entries []auditRow
	Actor   string
	Action  string
	// Actions are the actions to filter by, in the reader's words.
	Actions []auditAction
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
	entries, err := as.AuditEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	lang := langOf(c)
	for _, a := range audit.Actions {
		v.Actions = append(v.Actions, auditAction{Code: a, Text: locale.T(lang, "web.audit.action."+a)})
	}
	for _, e := range entries {
		v.Entries = append(v.Entries, auditRowOf(lang, e))
	}
	if len(entries) == f.Limit {
		v.More = entries[len(entries)-1].Seq
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

// auditAction is an action to filter by.
type auditAction struct{ Code, Text string }

// auditRow is an entry with its codes in the reader's words.
type auditRow struct {
	audit.Entry
	ActorText, ViaText, ActionText, ResultText string
}

// auditRowOf names the entry's action, result, channel and operator in
// lang; an action the catalogue does not know (the list is open) shows as
// recorded.
func auditRowOf(lang string, e audit.Entry) auditRow {
	word := func(key, raw string) string {
		if v := locale.T(lang, key); v != key {
			return v
		}
		return raw
	}
	r := auditRow{Entry: e, ActorText: e.Actor, ViaText: word("web.audit.via."+e.Via, e.Via),
		ActionText: word("web.audit.action."+e.Action, e.Action), ResultText: word("web.audit.result."+e.Result, e.Result)}
	if e.Actor == "anonymous" {
		r.ActorText = locale.T(lang, "web.audit.actor.anonymous")
	} else if op, ok := strings.CutPrefix(e.Actor, "operator:"); ok {
		r.ActorText = fmt.Sprintf(locale.T(lang, "web.audit.actor.operator"), op)
	}
	if op, as, ok := strings.Cut(strings.TrimPrefix(e.Via, "operator:"), " as "); ok && strings.HasPrefix(e.Via, "operator:") {
		r.ViaText = fmt.Sprintf(locale.T(lang, "web.audit.via.operator_as"), op, as)
	}
	return r
}
