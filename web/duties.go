package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/parkfin/parkfin/engine"
	"github.com/parkfin/parkfin/locale"
	"github.com/parkfin/parkfin/workflows/financing"
	"github.com/parkfin/parkfin/workflows/payload"
)

// dutyRow is one case of a duty workflow in its list.
type dutyRow struct {
	ID, Number, Title, Period string
	State, Time               tag
	// Marks are the case's marks the workflow names (迟报), in red.
	Marks            []tag
	Opened, Deadline string
}

// dutyView is the list of a duty workflow's cases (a bank's quarterly
// submissions): the ones still to do first, then the done.
type dutyView struct {
	Workflow     string
	Open, Closed []dutyRow
	// Form opens a case of a workflow its users open themselves (a
	// register of contacts), while the user has none.
	Form *formView
	// Error explains a refused opening.
	Error string
	// Ends is set when the workflow has a final state: the list shows
	// the cases done apart. Periods is set when a case has a period.
	Ends, Periods bool
}

// dutyTable is one table of a duty list.
type dutyTable struct {
	Workflow string
	Periods  bool
	Rows     []dutyRow
}

// OpenTable and ClosedTable are the list's two tables.
func (v *dutyView) OpenTable() dutyTable   { return dutyTable{v.Workflow, v.Periods, v.Open} }
func (v *dutyView) ClosedTable() dutyTable { return dutyTable{v.Workflow, v.Periods, v.Closed} }

// dutyList lists the cases of a workflow other than financing that the
// user sees: one generic page per workflow, its words from the catalogue.
func (s *Server) dutyList(c echo.Context) error {
	v, err := s.dutyViewOf(c, nil, nil)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "duties", v)
}

func (s *Server) dutyViewOf(c echo.Context, values url.Values, errs map[string]string) (*dutyView, error) {
	name := c.Param("workflow")
	def, ok := s.engine.Workflow(name)
	if !ok || name == financing.Name {
		return nil, echo.ErrNotFound
	}
	a := actorOf(c)
	cases, err := s.engine.Cases(c.Request().Context(), a, engine.CaseFilter{Workflow: name, Limit: 200})
	if err != nil {
		return nil, err
	}
	final := map[engine.State]bool{}
	words := payload.Words(name)
	v := &dutyView{Workflow: name}
	for _, st := range def.States {
		final[st.Name] = st.Final
		v.Ends = v.Ends || st.Final
	}
	for _, cs := range cases {
		v.Periods = v.Periods || cs.Period != ""
		r := dutyRow{ID: cs.ID, Number: cs.Number, Title: cs.Title, Period: cs.Period,
			State: s.caseStateTag(cs), Opened: fmtTime(cs.ReceivedAt)}
		for _, m := range cs.Marks {
			if k := words.Key("mark", m); locale.Has(locale.ZH, k) {
				r.Marks = append(r.Marks, tag{k, "red"})
			}
		}
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
	if open := eventDef(def, def.OpenEvent); open != nil && opensOwn(open, a) && (len(cases) == 0 || opensMany(open, a)) {
		f := s.formOf(words, open, 0, nil, values, errs)
		f.Open = f.Open || len(cases) == 0
		v.Form = &f
	}
	return v, nil
}

// opensOwn reports whether the actor's role may open a case of the
// workflow for its own organisation. An open event without input of its
// own is fired inside another case's event (a green-channel project), not
// from a form.
func opensOwn(open *engine.EventDef, a engine.Actor) bool {
	if open.Input == nil {
		return false
	}
	for _, g := range open.Grants {
		if g.Role == a.Role {
			return true
		}
	}
	return false
}

// opensMany reports whether the actor's role opens cases of the workflow
// for others, as many as it likes (a leading-group office assigning
// difficulties): its grant names no relation to the case. A grant with one
// opens the organisation's own case (its register of contacts), once.
func opensMany(open *engine.EventDef, a engine.Actor) bool {
	for _, g := range open.Grants {
		if g.Role == a.Role && g.Relation == "" {
			return true
		}
	}
	return false
}

// dutyOpen opens a case of a workflow its users open themselves from the
// form on its list; a refused form comes back with what was typed.
func (s *Server) dutyOpen(c echo.Context) error {
	def, ok := s.engine.Workflow(c.Param("workflow"))
	if !ok || def.Name == financing.Name {
		return echo.ErrNotFound
	}
	open := eventDef(def, def.OpenEvent)
	if open == nil || !opensOwn(open, actorOf(c)) {
		return echo.ErrNotFound
	}
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	body, ferrs := payloadOf(open.Input, form)
	if len(ferrs) == 0 {
		var cs *engine.Case
		cs, err = s.engine.Open(c.Request().Context(), engine.OpenRequest{Workflow: def.Name, Actor: actorOf(c), Payload: body})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/cases/"+cs.ID+"?done="+string(def.OpenEvent)+"#top")
		}
	} else {
		err = engine.Invalid(ferrs...)
	}
	if code := engine.ErrorCode(err); code == engine.EINTERNAL || code == engine.ENOTFOUND {
		return err
	}
	lang := langOf(c)
	errs := fieldErrors(err, lang)
	v, verr := s.dutyViewOf(c, form, errs)
	if verr != nil {
		return verr
	}
	if len(errs) == 0 {
		v.Error = errText(err, lang)
	}
	status := http.StatusUnprocessableEntity
	if engine.ErrorCode(err) == engine.EDUPLICATE || engine.ErrorCode(err) == engine.EFORBIDDEN {
		status = http.StatusConflict
	}
	return s.render(c, status, "duties", v)
}
