package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/engine/audit"
	"github.com/parkfin/parkfin/engine/auth"
)

// auditView is one entry of the security audit log.
type auditView struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	ActorRole string    `json:"actor_role"`
	ActorOrg  string    `json:"actor_org"`
	Via       string    `json:"via"`
	Addr      string    `json:"addr"`
	Action    string    `json:"action"`
	Target    string    `json:"target"`
	Result    string    `json:"result"`
	Detail    string    `json:"detail"`
	Hash      string    `json:"hash"`
}

func viewAudit(e audit.Entry) auditView {
	return auditView{Seq: e.Seq, At: local(e.At), Actor: e.Actor, ActorRole: e.ActorRole, ActorOrg: e.ActorOrg, Via: e.Via,
		Addr: e.Addr, Action: e.Action, Target: e.Target, Result: e.Result, Detail: e.Detail, Hash: e.Hash}
}

// auditFilter reads the filters of the audit routes.
func auditFilter(c echo.Context) (audit.Filter, error) {
	f := audit.Filter{Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), Result: c.QueryParam("result")}
	var fields []engine.FieldError
	for _, p := range []struct {
		name string
		to   *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := c.QueryParam(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				fields = append(fields, engine.FieldError{Field: p.name, Code: "malformed",
					Message: "Give a time such as 2026-03-02T09:00:00+08:00.", MessageZH: "时间格式应如 2026-03-02T09:00:00+08:00。"})
			}
			*p.to = t
		}
	}
	if v := c.QueryParam("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			fields = append(fields, engine.FieldError{Field: "after", Code: "malformed",
				Message: "This is not a cursor of this list.", MessageZH: "翻页游标无效。"})
		}
		f.Before = n
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			fields = append(fields, engine.FieldError{Field: "limit", Code: "range",
				Message: "A page has 1 to 500 entries.", MessageZH: "每页 1 到 500 条。"})
		}
		f.Limit = n
	}
	if len(fields) > 0 {
		return f, engine.Invalid(fields...)
	}
	return f, nil
}

// listAudit lists the security audit log for the auditor, newest first, a
// page at a time.
func (s *Server) listAudit(c echo.Context) error {
	if err := auth.MayReadAudit(actorOf(c)); err != nil {
		return err
	}
	if s.auditStore == nil {
		return engine.Errorf(engine.ENOTFOUND, "没有安全审计日志。", "There is no audit log.")
	}
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	entries, err := s.auditStore.AuditEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := struct {
		Items      []auditView `json:"items"`
		NextCursor string      `json:"next_cursor,omitempty"`
	}{Items: make([]auditView, len(entries))}
	for i, e := range entries {
		out.Items[i] = viewAudit(e)
	}
	if len(entries) == f.Limit {
		out.NextCursor = strconv.FormatInt(entries[len(entries)-1].Seq, 10)
	}
	return c.JSON(http.StatusOK, out)
}

// exportAudit downloads the entries that match the filters as CSV (UTF-8
// with a byte-order mark, so that spreadsheet programs read the Chinese),
// newest first, at most 100 000. The download is itself audited.
func (s *Server) exportAudit(c echo.Context) error {
	if err := auth.MayReadAudit(actorOf(c)); err != nil {
		return err
	}
	if s.auditStore == nil {
		return engine.Errorf(engine.ENOTFOUND, "没有安全审计日志。", "There is no audit log.")
	}
	f, err := auditFilter(c)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"seq", "at", "actor", "actor_role", "actor_org", "via", "addr", "action", "target", "result", "detail", "prev_hash", "hash"})
	n := 0
	for n < 100000 {
		f.Limit = 1000
		page, err := s.auditStore.AuditEntries(c.Request().Context(), f)
		if err != nil {
			return err
		}
		for _, e := range page {
			_ = w.Write([]string{strconv.FormatInt(e.Seq, 10), local(e.At).Format(time.RFC3339Nano), cell(e.Actor), cell(e.ActorRole), cell(e.ActorOrg),
				cell(e.Via), cell(e.Addr), cell(e.Action), cell(e.Target), cell(e.Result), cell(e.Detail), e.PrevHash, e.Hash})
		}
		n += len(page)
		if len(page) < f.Limit {
			break
		}
		f.Before = page[len(page)-1].Seq
	}
	w.Flush()
	s.record(c, audit.AuditExport, "audit_log", audit.OK, "共 "+strconv.Itoa(n)+" 条")
	c.Response().Header().Set("Content-Disposition", `attachment; filename="audit.csv"`)
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// cell keeps a spreadsheet from reading a typed value (a user name tried at
// sign-in, say) as a formula: such a cell starts with an apostrophe.
func cell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
