package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/financing/uscc"
)

// searchScan bounds the cases read to find a credit code, which the case
// lists cannot filter by.
const searchScan = 5000

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
	if code, err := uscc.Validate(q); err == nil {
		var after *engine.Cursor
		for read := 0; read < searchScan && len(v.Rows) < pageSize; {
			cases, err := s.engine.Cases(ctx, a, engine.CaseFilter{Workflow: financing.Name, After: after, Limit: 500})
			if err != nil {
				return err
			}
			for _, cs := range cases {
				if d, err := financing.DataOf(cs); err == nil && d.Enterprise.USCC == code {
					v.Rows = append(v.Rows, rowOf(cs))
				}
			}
			if len(cases) < 500 {
				break
			}
			read += len(cases)
			last := cases[len(cases)-1]
			after = &engine.Cursor{ReceivedAt: last.ReceivedAt, ID: last.ID}
		}
		v.Total = len(v.Rows)
		return s.render(c, http.StatusOK, "list", v)
	}
	f := engine.CaseFilter{Workflow: financing.Name, Text: q}
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
