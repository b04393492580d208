package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// search finds cases by number, enterprise name or credit code within what
// the user may see; a case number opens the case.
func (s *Server) search(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	v := listView{TitleKey: "web.nav.search", Query: c.QueryParams()}
	if q == "" {
		return s.render(c, http.StatusOK, "list", v)
	}
	ctx := c.Request().Context()
	a := actorOf(c)
	if cs, err := s.engine.CaseByNumber(ctx, a, strings.ToUpper(q)); err == nil {
		return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID)
	}
	f := engine.CaseFilter{Workflow: financing.Name, Text: q}
	if code, err := uscc.Validate(q); err == nil {
		f = engine.CaseFilter{Workflow: financing.Name, Ref: code}
	}
	n, err := s.engine.CaseCounts(ctx, a, f)
	if err != nil {
		return err
	}
	v.Total = n.Total
	if err := s.fillRows(c, &v, f); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "list", v)
}
