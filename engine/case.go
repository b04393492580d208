package engine

import (
	"encoding/json"
	"time"
)

// Case is one enterprise's need or question, moving through a workflow.
type Case struct {
	// ID is the case's opaque identifier.
	ID string
	// Number is the human number an enterprise can quote, e.g.
	// "GXQ-2026-00017".
	Number string
	// Workflow names the case's workflow definition.
	Workflow string
	// State is the case's current state.
	State State
	// Version counts the case's transitions; an event is fired against the
	// version the actor saw.
	Version int
	// Title is a short searchable text (the enterprise's name).
	Title string
	// Ref is a further key the case is found by, exactly (the enterprise's
	// unified social credit code); lists filter on it with an index.
	Ref string
	// Period names the period a case of a recurring duty concerns
	// (2026Q3, 2026H2, 2026-02, 2026), set by the open event's Apply; the
	// timers whose due rule counts from a period count from it.
	Period string
	// ScheduledFor is the organisation a scheduled case was opened for;
	// with Workflow and Period it is unique, so that a duty opens once per
	// organisation and period however many schedulers run.
	ScheduledFor string
	// Data is the workflow's own record of the case, as JSON.
	Data json.RawMessage
	// Parties are the organisations that stand in a relation to the case.
	Parties []Party
	// ReceivedAt is when the need reached the window (a paper record may
	// be entered later, back-dated).
	ReceivedAt time.Time
	// RoutedAt is when the case reached whoever must act on it first (the
	// lead bank); the limits armed by the open event count from it.
	RoutedAt  time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	// WarnAt and DueAt are the warning and the deadline of the main time
	// limit: of the running limit, or of the last one when it stopped; nil
	// while it is paused or before it was ever armed.
	WarnAt *time.Time
	DueAt  *time.Time
	// DueSoon is set while the main limit runs past its warning.
	DueSoon bool
	// PastDue is set while the main limit runs (or is paused) past its
	// deadline: overdue and still open.
	PastDue bool
	// Overdue is set, for good, when the main limit's deadline fired: it
	// stays as history once the case has moved on (answered late).
	Overdue bool
	// Provisional is set when the main limit's deadline counts days of a
	// year without a published holiday arrangement (Monday to Friday).
	Provisional bool
	// Limits holds every time limit of the case, the main one included,
	// in the order the workflow declares its clocks.
	Limits []Limit
	// Marks are the workflow's flags for boards (an open supervision
	// notice, an extension awaiting a decision).
	Marks []string
	// LedgerHead is the hash of the case's newest ledger entry, LedgerLen
	// the number of its entries: together they anchor its chain.
	LedgerHead string
	LedgerLen  int

	// record is the value Data was last encoded from by SetRecord, and
	// recordData that encoding: a case its workflow has just moved
	// answers with its record without decoding Data again.
	record     any
	recordData []byte
}

// SetRecord sets the case's Data to raw, the JSON encoding of v, and
// keeps v: Record returns it while Data stays raw.
func (c *Case) SetRecord(raw json.RawMessage, v any) {
	c.Data, c.record, c.recordData = raw, v, raw
}

// Record returns the value Data was last set from by SetRecord, or nil
// when Data has been set otherwise since (a case read from the store has
// none). The value is shared with whoever set it: read it, never change
// it.
func (c *Case) Record() any {
	if c.record == nil || len(c.Data) == 0 || len(c.Data) != len(c.recordData) || &c.Data[0] != &c.recordData[0] {
		return nil
	}
	return c.record
}

// PartyOf returns the first organisation standing in relation r to the case,
// or "".
func (c *Case) PartyOf(r Relation) string {
	for _, p := range c.Parties {
		if p.Relation == r {
			return p.Org
		}
	}
	return ""
}

// HasParty reports whether org stands in relation r to the case; with r
// empty, in any relation.
func (c *Case) HasParty(org string, r Relation) bool {
	for _, p := range c.Parties {
		if p.Org == org && (r == "" || p.Relation == r) {
			return true
		}
	}
	return false
}

// AddParty adds org in relation r unless it is there already.
func (c *Case) AddParty(org string, r Relation) {
	if !c.HasParty(org, r) {
		c.Parties = append(c.Parties, Party{Org: org, Relation: r})
	}
}

// RemoveParty removes org's relation r to the case, if it has it.
func (c *Case) RemoveParty(org string, r Relation) {
	kept := c.Parties[:0:0]
	for _, p := range c.Parties {
		if p.Org != org || p.Relation != r {
			kept = append(kept, p)
		}
	}
	c.Parties = kept
}

// HasMark reports whether the case carries the mark.
func (c *Case) HasMark(m string) bool { return contains(c.Marks, m) }

// Mark sets a mark on the case.
func (c *Case) Mark(m string) {
	if !c.HasMark(m) {
		c.Marks = append(c.Marks, m)
	}
}

// Unmark clears a mark of the case.
func (c *Case) Unmark(m string) {
	kept := c.Marks[:0:0]
	for _, x := range c.Marks {
		if x != m {
			kept = append(kept, x)
		}
	}
	c.Marks = kept
}

// Limit is one time limit of a case, as its timers stand.
type Limit struct {
	// Clock names the limit (a ClockDef of the workflow).
	Clock string `json:"clock"`
	// WarnAt and DueAt are the warning and the deadline: of the running
	// limit, or of the last one once it stopped; nil while paused.
	WarnAt *time.Time `json:"warn_at,omitempty"`
	DueAt  *time.Time `json:"due_at,omitempty"`
	// Running is set while the deadline is armed; Paused while it is paused.
	Running bool `json:"running,omitempty"`
	Paused  bool `json:"paused,omitempty"`
	// DueSoon is set while it runs past its warning.
	DueSoon bool `json:"due_soon,omitempty"`
	// PastDue is set while it is open past its deadline.
	PastDue bool `json:"past_due,omitempty"`
	// Overdue is set, for good, once its deadline fired.
	Overdue bool `json:"overdue,omitempty"`
	// Provisional is set when its due instant counts days of a year
	// without a published holiday arrangement.
	Provisional bool `json:"provisional,omitempty"`
	// Remaining is the working days left while paused.
	Remaining int `json:"remaining,omitempty"`
}

// Limit returns the case's limit on the clock, or nil.
func (c *Case) Limit(clock string) *Limit {
	for i := range c.Limits {
		if c.Limits[i].Clock == clock {
			return &c.Limits[i]
		}
	}
	return nil
}
