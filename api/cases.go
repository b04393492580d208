package api

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// workflowOf returns the workflow a request names in its workflow
// parameter; none means financing.
func (s *Server) workflowOf(name string) (engine.Definition, error) {
	if name == "" {
		name = financing.Name
	}
	def, ok := s.engine.Workflow(name)
	if !ok {
		return def, engine.Invalid(engine.FieldError{Field: "workflow", Code: "one_of",
			Message:   fmt.Sprintf("Unknown workflow %q; the workflows are %s.", name, strings.Join(s.engine.Workflows(), ", ")),
			MessageZH: fmt.Sprintf("没有名为“%s”的业务流程，可用的有：%s。", name, strings.Join(s.engine.Workflows(), "、"))})
	}
	return def, nil
}

// createCase registers an enterprise's need at a window. With an
// Idempotency-Key the same request replayed returns the same case. The
// other workflows' cases are opened by their schedules.
func (s *Server) createCase(c echo.Context) error {
	a := actorOf(c)
	body := bodyOf(c)
	o, err := DecodeCreateCase(body)
	if err != nil {
		return err
	}
	payload, err := jsonOf(o.Input)
	if err != nil {
		return err
	}
	req := engine.OpenRequest{Workflow: financing.Name, Actor: a, Payload: payload, Decoded: &o.Input, ReceivedAt: o.ReceivedAt, RoutedAt: o.RoutedAt}
	return s.openCase(c, a, body, req)
}

// openCase opens the case and answers 201 with it. With an
// Idempotency-Key the same request replayed returns the same case.
func (s *Server) openCase(c echo.Context, a engine.Actor, body []byte, req engine.OpenRequest) error {
	var (
		cs  *engine.Case
		err error
	)
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

// findCase returns the case the path names by its ID or by the number an
// enterprise quotes (GXQ-2026-00042), if the actor may see it.
func (s *Server) findCase(c echo.Context, a engine.Actor) (*engine.Case, error) {
	ctx, ref := c.Request().Context(), c.Param("id")
	cs, err := s.engine.Case(ctx, a, ref)
	if engine.ErrorCode(err) == engine.ENOTFOUND && caseNumber.MatchString(ref) {
		return s.engine.CaseByNumber(ctx, a, ref)
	}
	return cs, err
}

// caseNumber matches the human case numbers: park code, year, sequence.
var caseNumber = regexp.MustCompile(`^[A-Za-z0-9]+-[0-9]{4}(Q[1-4]|H[12])?-[0-9]{5,}$`)

// getCase shows one case the actor may see; any other is not_found.
func (s *Server) getCase(c echo.Context) error {
	a := actorOf(c)
	cs, err := s.findCase(c, a)
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
	target, err := s.findCase(c, a)
	if err != nil {
		return err
	}
	files, err := in.decodeFiles()
	if err != nil {
		return err
	}
	cs, err := s.engine.Fire(c.Request().Context(), engine.FireRequest{CaseID: target.ID,
		Event: engine.EventName(in.Event), Actor: a, Version: in.Version, Payload: in.Payload, Files: files})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.viewCase(a, cs, true))
}

// caseFile sends a file handed in with an event of the case, by the
// SHA-256 its ledger entry names.
func (s *Server) caseFile(c echo.Context) error {
	a := actorOf(c)
	cs, err := s.findCase(c, a)
	if err != nil {
		return err
	}
	f, err := s.engine.CaseFile(c.Request().Context(), a, cs.ID, c.Param("sha256"))
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, "attachment; filename*=UTF-8''"+url.PathEscape(f.Name))
	h.Set("X-Content-SHA256", f.SHA256)
	return c.Blob(http.StatusOK, f.MediaType, f.Content)
}

// caseLedger shows the case's timeline: its ledger entries, oldest first.
func (s *Server) caseLedger(c echo.Context) error {
	a := actorOf(c)
	id := c.Param("id")
	if cs, err := s.findCase(c, a); err == nil {
		id = cs.ID
	}
	entries, err := s.engine.Ledger(c.Request().Context(), a, id)
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
	f, err := s.caseFilterOf(c)
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
		page.NextCursor = engine.CursorAfter(cases[limit-1])
	}
	for _, cs := range cases {
		page.Items = append(page.Items, s.viewCase(a, cs, false))
	}
	return c.JSON(http.StatusOK, page)
}

// caseFilterOf reads the list filters; the contract has checked their
// shapes already. A value the workflow does not know (a state, a limit) is
// refused naming its parameter, never answered with an empty list.
func (s *Server) caseFilterOf(c echo.Context) (engine.CaseFilter, error) {
	q := c.QueryParams()
	def, err := s.workflowOf(q.Get("workflow"))
	if err != nil {
		return engine.CaseFilter{}, err
	}
	f := engine.CaseFilter{Workflow: def.Name, Limit: 50, Text: strings.TrimSpace(q.Get("q"))}
	var fields []engine.FieldError
	bad := func(param, en, zh string) {
		fields = append(fields, engine.FieldError{Field: param, Code: "invalid", Message: en, MessageZH: zh})
	}
	if def.Name != financing.Name {
		for _, p := range []string{"park", "bank", "escalated", "answered_late"} {
			if q.Get(p) != "" {
				bad(p, fmt.Sprintf("%s filters financing cases only.", p), fmt.Sprintf("参数 %s 只适用于企业融资需求案件。", p))
			}
		}
	}
	if v := q.Get("after"); v != "" {
		cur, err := engine.ParseCursor(v)
		if err != nil {
			fields = append(fields, payload.Errors(err)...)
		}
		f.After = cur
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			bad("limit", "limit must be a number from 1 to 200.", "每页条数 limit 应为 1 到 200 之间的整数。")
		}
		f.Limit = n
	}
	if v := q.Get("state"); v != "" {
		for _, st := range strings.Split(v, ",") {
			st = strings.TrimSpace(st)
			if !slices.ContainsFunc(def.States, func(d engine.StateDef) bool { return string(d.Name) == st }) || st == string(def.Initial) {
				bad("state", fmt.Sprintf("Unknown state %q.", st), fmt.Sprintf("参数 state 中的“%s”不是案件状态。", st))
				continue
			}
			f.States = append(f.States, engine.State(st))
		}
	}
	if v := q.Get("open_limit"); v != "" {
		if !slices.ContainsFunc(def.Clocks, func(d engine.ClockDef) bool { return d.Name == v && d.Name != def.MainClock }) {
			bad("open_limit", fmt.Sprintf("Unknown limit %q.", v), fmt.Sprintf("参数 open_limit 中的“%s”不是可筛选的期限。", v))
		}
		f.Mark = v
	}
	if p := q.Get("park"); p != "" {
		f.Party = &engine.Party{Org: p, Relation: financing.RelPark}
	}
	if b := q.Get("bank"); b != "" {
		if f.Party != nil {
			// The store narrows by one party at a time.
			bad("bank", "Filter by park or by bank, not both.", "园区和银行只能按其一筛选。")
		}
		f.Party = &engine.Party{Org: b, Relation: financing.RelLeadBank}
	}
	flags := map[string]**bool{"due_soon": &f.DueSoon, "overdue": &f.Overdue, "past_due": &f.PastDue}
	for _, name := range []string{"due_soon", "overdue", "past_due", "answered_late", "escalated"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		if v != "true" && v != "false" {
			bad(name, name+" must be true or false.", "参数 "+name+" 只能是 true 或 false。")
			continue
		}
		yes := v == "true"
		switch name {
		case "answered_late":
			// Overdue once, and no longer open past its limit.
			if yes {
				t, f2 := true, false
				f.Overdue, f.PastDue = &t, &f2
			}
		case "escalated":
			f.States = escalatedStates(def, f.States, yes)
		default:
			*flags[name] = &yes
		}
	}
	for name, dst := range map[string]*time.Time{"received_from": &f.ReceivedFrom, "received_to": &f.ReceivedTo} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				bad(name, name+" must be an RFC 3339 time.", "参数 "+name+" 应为 RFC 3339 时间，例如 2026-10-01T00:00:00+08:00。")
			}
			*dst = t
		}
	}
	if len(fields) > 0 {
		return f, engine.Invalid(fields...)
	}
	return f, nil
}

// withOffices are the states in which the city office and the central bank
// have the case.
var withOffices = []engine.State{financing.Escalated, financing.Coordinating}

// escalatedStates narrows the state filter to escalated cases, or to all
// but them.
func escalatedStates(def engine.Definition, states []engine.State, escalated bool) []engine.State {
	if len(states) == 0 {
		for _, d := range def.States {
			if d.Name != def.Initial {
				states = append(states, d.Name)
			}
		}
	}
	var out []engine.State
	for _, st := range states {
		if slices.Contains(withOffices, st) == escalated {
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		// Nothing can match: a state no case is in.
		out = []engine.State{"-"}
	}
	return out
}
