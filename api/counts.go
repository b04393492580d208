package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// caseCounts is the body of GET /api/v1/cases/counts.
type caseCounts struct {
	Total   int            `json:"total"`
	ByState map[string]int `json:"by_state"`
	Overdue int            `json:"overdue"`
	DueSoon int            `json:"due_soon"`
	// PastDue are overdue and still open; AnsweredLate were overdue and
	// have moved on (answered late, or escalated, returned, closed).
	PastDue      int `json:"past_due"`
	AnsweredLate int `json:"answered_late"`
}

// countCases counts the cases the actor may see, with the list's filters:
// the figures of the overdue and escalated boards.
func (s *Server) countCases(c echo.Context) error {
	f, err := s.caseFilterOf(c)
	if err != nil {
		return err
	}
	n, err := s.engine.CaseCounts(c.Request().Context(), actorOf(c), f)
	if err != nil {
		return err
	}
	out := caseCounts{Total: n.Total, ByState: map[string]int{}, Overdue: n.Overdue, DueSoon: n.DueSoon,
		PastDue: n.PastDue, AnsweredLate: n.Overdue - n.PastDue}
	for st, k := range n.ByState {
		out.ByState[string(st)] = k
	}
	return c.JSON(http.StatusOK, out)
}
