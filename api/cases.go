package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
)

// createCase registers an enterprise's need at a window. With an
// Idempotency-Key the same request replayed returns the same case.
func (s *Server) createCase(c echo.Context) error {
	a := actorOf(c)
	body := bodyOf(c)
	open, received, err := DecodeCreateCase(body)
	if err != nil {
		return err
	}
	payload, err := jsonOf(open)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	req := engine.OpenRequest{Workflow: financing.Name, Actor: a, Payload: payload, ReceivedAt: received}
	key := c.Request().Header.Get("Idempotency-Key")
	var cs *engine.Case
	if key == "" {
		cs, err = s.engine.Open(ctx, req)
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

// getCase shows one case the actor may see; any other is not_found.
func (s *Server) getCase(c echo.Context) error {
	a := actorOf(c)
	cs, err := s.engine.Case(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewCase(a, cs, true))
}

// fireEvent fires an event on a case against the version the actor saw.
func (s *Server) fireEvent(c echo.Context) error {
	a := actorOf(c)
	var in fireInput
	if err := decodeStrict(bodyOf(c), &in); err != nil {
		return err
	}
	if in.Version < 1 {
		return engine.Invalid(engine.FieldError{Field: "version", Code: "required",
			Message: "version must be the case version you saw (1 or more).", MessageZH: "请提供您看到的案件版本号（从 1 开始）。"})
	}
	cs, err := s.engine.Fire(c.Request().Context(), engine.FireRequest{CaseID: c.Param("id"),
		Event: engine.EventName(in.Event), Actor: a, Version: in.Version, Payload: in.Payload})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewCase(a, cs, true))
}

// caseLedger shows the case's timeline: its ledger entries, oldest first.
func (s *Server) caseLedger(c echo.Context) error {
	entries, err := s.engine.Ledger(c.Request().Context(), actorOf(c), c.Param("id"))
	if err != nil {
		return err
	}
	items := make([]entryView, len(entries))
	for i, e := range entries {
		items[i] = viewEntry(e)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// casePage is one page of a case list.
type casePage struct {
	Items      []caseView `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// listCases lists the cases the actor may see, newest received first,
// narrowed by the query, a page at a time.
func (s *Server) listCases(c echo.Context) error {
	a := actorOf(c)
	f, err := caseFilterOf(c)
	if err != nil {
		return err
	}
	limit := f.Limit
	f.Limit = limit + 1 // one more tells whether a next page exists
	cases, err := s.engine.Cases(c.Request().Context(), a, f)
	if err != nil {
		return err
	}
	page := casePage{Items: []caseView{}}
	if len(cases) > limit {
		cases = cases[:limit]
		page.NextCursor = cases[limit-1].ID
	}
	for _, cs := range cases {
		page.Items = append(page.Items, s.viewCase(a, cs, false))
	}
	return c.JSON(http.StatusOK, page)
}

// caseFilterOf reads the list filters; the contract has checked their
// shapes already.
func caseFilterOf(c echo.Context) (engine.CaseFilter, error) {
	q := c.QueryParams()
	f := engine.CaseFilter{Workflow: financing.Name, Limit: 50, After: q.Get("after"), Text: strings.TrimSpace(q.Get("q"))}
	if s := q.Get("limit"); s != "" {
		f.Limit, _ = strconv.Atoi(s)
	}
	var fields []engine.FieldError
	if s := q.Get("state"); s != "" {
		for _, st := range strings.Split(s, ",") {
			f.States = append(f.States, engine.State(strings.TrimSpace(st)))
		}
	}
	if p := q.Get("park"); p != "" {
		f.Party = &engine.Party{Org: p, Relation: financing.RelPark}
	}
	if b := q.Get("bank"); b != "" {
		if f.Party != nil {
			// The store narrows by one party at a time.
			fields = append(fields, engine.FieldError{Field: "bank", Code: "combination",
				Message: "Filter by park or by bank, not both.", MessageZH: "园区和银行只能按其一筛选。"})
		}
		f.Party = &engine.Party{Org: b, Relation: financing.RelLeadBank}
	}
	for name, dst := range map[string]**bool{"due_soon": &f.DueSoon, "overdue": &f.Overdue} {
		if s := q.Get(name); s != "" {
			v := s == "true"
			*dst = &v
		}
	}
	if s := q.Get("escalated"); s != "" {
		f.States = escalatedStates(f.States, s == "true")
	}
	for name, dst := range map[string]*time.Time{"received_from": &f.ReceivedFrom, "received_to": &f.ReceivedTo} {
		if s := q.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				fields = append(fields, engine.FieldError{Field: name, Code: "time",
					Message: name + " must be an RFC 3339 time.", MessageZH: name + " 应为 RFC 3339 时间。"})
			}
			*dst = t
		}
	}
	if len(fields) > 0 {
		return f, engine.Invalid(fields...)
	}
	return f, nil
}

// allStates are the states a listed financing case can be in.
var allStates = []engine.State{financing.Routed, financing.Accepted, financing.InfoRequested,
	financing.Answered, financing.Escalated, financing.Closed}

// escalatedStates narrows the state filter to escalated cases, or to all
// but them.
func escalatedStates(states []engine.State, escalated bool) []engine.State {
	if len(states) == 0 {
		states = allStates
	}
	var out []engine.State
	for _, st := range states {
		if (st == financing.Escalated) == escalated {
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		// Nothing can match: a state no case is in.
		out = []engine.State{"-"}
	}
	return out
}
