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
	// Data is the workflow's own record of the case, as JSON.
	Data json.RawMessage
	// Parties are the organisations that stand in a relation to the case.
	Parties []Party
	// ReceivedAt is when the need reached the window; time limits count
	// from it.
	ReceivedAt time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// WarnAt and DueAt are the due times of the running warning and
	// deadline timers; nil when none runs (paused, or never armed).
	WarnAt *time.Time
	DueAt  *time.Time
	// DueSoon is set when the warning timer fired.
	DueSoon bool
	// Overdue is set, for good, when the deadline timer fired.
	Overdue bool
	// LedgerHead is the hash of the case's newest ledger entry, LedgerLen
	// the number of its entries: together they anchor its chain.
	LedgerHead string
	LedgerLen  int
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
