package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// dutyRow is one case of a duty workflow in its list.
type dutyRow struct {
	ID, Number, Title, Period string
	State, Time               tag
	Opened, Deadline          string
}

// dutyView is the list of a duty workflow's cases (a bank's quarterly
// submissions): the ones still to do first, then the done.
type dutyView struct {
	Workflow     string
	Open, Closed []dutyRow
}

// dutyList lists the cases of a workflow other than financing that the
// user sees: one generic page per workflow, its words from the catalogue.
func (s *Server) dutyList(c echo.Context) error {
	name := c.Param("workflow")
	def, ok := s.engine.Workflow(name)
	if !ok || name == financing.Name {
		return echo.ErrNotFound
	}
	cases, err := s.engine.Cases(c.Request().Context(), actorOf(c), engine.CaseFilter{Workflow: name, Limit: 200})
	if err != nil {
		return err
	}
	final := map[engine.State]bool{}
	for _, st := range def.States {
		final[st.Name] = st.Final
	}
	v := dutyView{Workflow: name}
	for _, cs := range cases {
		r := dutyRow{ID: cs.ID, Number: cs.Number, Title: cs.Title, Period: cs.Period,
			State: s.caseStateTag(cs), Opened: fmtTime(cs.ReceivedAt)}
		if final[cs.State] {
			if cs.Overdue {
				r.Time = tag{"time.answered_late", "red"}
			}
			v.Closed = append(v.Closed, r)
			continue
		}
		r.Time = timeTag(cs)
		if cs.DueAt != nil {
			r.Deadline = deadlineText(*cs.DueAt)
		}
		v.Open = append(v.Open, r)
	}
	return s.render(c, http.StatusOK, "duties", v)
}
