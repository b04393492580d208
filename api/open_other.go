package api

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// openWorkflowCase opens a case of a workflow whose users open it
// themselves (a contacts register): the body is the open event's input,
// checked by the workflow. Financing has its own route; a workflow opened
// by its schedule is refused.
func (s *Server) openWorkflowCase(c echo.Context) error {
	workflow := c.Param("workflow")
	def, err := s.workflowOf(workflow)
	if err != nil {
		return err
	}
	opened := false
	for _, ev := range def.Events {
		opened = opened || (ev.Name == def.OpenEvent && len(ev.Grants) > 0)
	}
	if !opened || def.Name == financing.Name {
		return engine.Invalid(engine.FieldError{Field: "workflow", Code: "scheduled",
			Message:   "The cases of " + workflow + " are not opened here.",
			MessageZH: "该业务流程的案件不在此登记（融资需求请使用登记接口，定期任务由系统自动开启）。"})
	}
	a, body := actorOf(c), bodyOf(c)
	if hasJSONNul(body) || bytes.IndexByte(body, 0) >= 0 {
		return engine.Invalid(engine.FieldError{Field: "body", Code: "encoding",
			Message: "The body contains a NUL character.", MessageZH: "提交的内容含有无法识别的字符。"})
	}
	req := engine.OpenRequest{Workflow: def.Name, Actor: a, Payload: body}
	var cs *engine.Case
	if key := c.Request().Header.Get("Idempotency-Key"); key == "" {
		cs, err = s.engine.Open(c.Request().Context(), req)
	} else {
		var replayed bool
		cs, replayed, err = s.openOnce(c, a, key, body, req)
		if replayed {
			c.Response().Header().Set("Idempotent-Replayed", "true")
		}
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/cases/"+cs.ID)
	return c.JSON(http.StatusCreated, s.viewCase(a, cs, true))
}
