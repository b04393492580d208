package api

import (
	"bytes"

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
	return s.openCase(c, a, body, engine.OpenRequest{Workflow: def.Name, Actor: a, Payload: body})
}
