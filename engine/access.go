package engine

import (
	"context"

	"github.com/parkfin/parkfin/engine/ledger"
)

// allows reports whether g lets actor act on c.
func (g Grant) allows(a Actor, c *Case) bool {
	return g.Role == a.Role && (g.Relation == "" || c.HasParty(a.relOrg(), g.Relation))
}

// mayFire reports whether the actor may fire ev on c. Only the system fires
// events that grant no one.
func (w *workflow) mayFire(a Actor, ev *EventDef, c *Case) bool {
	if a.Role == RoleSystem {
		return len(ev.Grants) == 0
	}
	for _, g := range ev.Grants {
		if g.allows(a, c) {
			return true
		}
	}
	return false
}

// grants lists every grant of the workflow: its viewers' and its events'.
// Whoever may fire some event on a case may also see it.
func (w *workflow) grants() []Grant {
	out := append([]Grant{}, w.def.Viewers...)
	for _, ev := range w.events {
		out = append(out, ev.Grants...)
	}
	return out
}

// canSee reports whether the actor may see c.
func (w *workflow) canSee(a Actor, c *Case) bool {
	if a.Role == RoleSystem {
		return true
	}
	for _, g := range w.grants() {
		if g.allows(a, c) {
			return true
		}
	}
	return false
}

// scope returns the part of the workflow's cases the actor may see: nil for
// all of them, or the relations through which the actor's organisation sees
// cases. ok is false when the actor sees none.
func (w *workflow) scope(a Actor) (s *Scope, ok bool) {
	if a.Role == RoleSystem {
		return nil, true
	}
	var rels []Relation
	for _, g := range w.grants() {
		if g.Role != a.Role {
			continue
		}
		if g.Relation == "" {
			return nil, true
		}
		if !contains(rels, g.Relation) {
			rels = append(rels, g.Relation)
		}
	}
	if len(rels) == 0 || a.relOrg() == "" {
		return nil, false
	}
	return &Scope{Org: a.relOrg(), Relations: rels}, true
}

// Case returns the case if the actor may see it. A case the actor may not
// see is not_found, exactly like one that does not exist.
func (e *Engine) Case(ctx context.Context, a Actor, id string) (*Case, error) {
	c, err := e.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	w, err := e.workflowOf(c.Workflow)
	if err != nil || !w.canSee(a, c) {
		return nil, caseNotFound(id)
	}
	return c, nil
}

// CaseByNumber returns the case with the human number if the actor may see
// it; not_found otherwise.
func (e *Engine) CaseByNumber(ctx context.Context, a Actor, number string) (*Case, error) {
	c, err := e.store.CaseByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	w, err := e.workflowOf(c.Workflow)
	if err != nil || !w.canSee(a, c) {
		return nil, caseNotFound(number)
	}
	return c, nil
}

// Cases lists the cases of a workflow that the actor may see, narrowed by f.
// f.Scope is set from the actor and must be nil on input.
func (e *Engine) Cases(ctx context.Context, a Actor, f CaseFilter) ([]*Case, error) {
	w, err := e.workflowOf(f.Workflow)
	if err != nil {
		return nil, err
	}
	s, ok := w.scope(a)
	if !ok {
		return nil, nil
	}
	f.Scope = s
	return e.store.Cases(ctx, f)
}

// CaseCounts counts the cases of a workflow that the actor may see, narrowed
// by f: a board's figures, never more than the actor's lists would show.
func (e *Engine) CaseCounts(ctx context.Context, a Actor, f CaseFilter) (CaseCounts, error) {
	w, err := e.workflowOf(f.Workflow)
	if err != nil {
		return CaseCounts{}, err
	}
	s, ok := w.scope(a)
	if !ok {
		return CaseCounts{ByState: map[State]int{}}, nil
	}
	f.Scope = s
	return e.store.CaseCounts(ctx, f)
}

// Ledger returns the ledger entries of a case the actor may see, oldest
// first. Of a case the actor may no longer see but traces (a bank that
// returned it), it returns the entries the actor's organisation wrote.
func (e *Engine) Ledger(ctx context.Context, a Actor, caseID string) ([]ledger.Entry, error) {
	c, err := e.store.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	w, err := e.workflowOf(c.Workflow)
	if err != nil {
		return nil, caseNotFound(caseID)
	}
	if w.canSee(a, c) {
		return e.store.CaseLedger(ctx, caseID)
	}
	if !w.traces(a, c) {
		return nil, caseNotFound(caseID)
	}
	all, err := e.store.CaseLedger(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var own []ledger.Entry
	for _, en := range all {
		if en.ActorOrg == a.Org {
			own = append(own, en)
		}
	}
	return own, nil
}

// traces reports whether the actor may read its own organisation's entries
// of c.
func (w *workflow) traces(a Actor, c *Case) bool {
	for _, g := range w.def.Tracers {
		if g.allows(a, c) {
			return true
		}
	}
	return false
}

// Events lists the events the actor may fire on c now, in name order.
func (e *Engine) Events(a Actor, c *Case) []EventName {
	w, err := e.workflowOf(c.Workflow)
	if err != nil {
		return nil
	}
	var out []EventName
	for _, name := range w.outgoing(c.State) {
		ev := w.events[name]
		if name != w.def.OpenEvent && len(ev.Grants) > 0 && w.mayFire(a, ev, c) && (ev.While == "" || clockOpen(c, ev.While)) &&
			(ev.Offered == nil || ev.Offered(a, c)) {
			out = append(out, name)
		}
	}
	return out
}

// Scope returns the part of a workflow's cases the actor may see, for the
// readers that keep projections of cases of their own (the supervision
// reports): nil for all of them, or the actor's organisation and the
// relations through which it sees cases. ok is false when the actor sees
// none. The answer is the one Cases applies, so that a figure never counts
// a case its reader could not list.
func (e *Engine) Scope(a Actor, workflow string) (s *Scope, ok bool, err error) {
	w, err := e.workflowOf(workflow)
	if err != nil {
		return nil, false, err
	}
	s, ok = w.scope(a)
	return s, ok, nil
}
