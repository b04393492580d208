package engine

import (
	"context"
	"encoding/json"
	"time"
)

// State is a state of a case in its workflow.
type State string

// EventName names an event of a workflow.
type EventName string

// Relation is how an organisation stands to a case: the park that opened it,
// the bank it was routed to, an observer. A workflow names its relations.
type Relation string

// Party is an organisation with a relation to a case.
type Party struct {
	Org      string
	Relation Relation
}

// Grant allows a role to do something with a case. With a Relation, the
// actor's organisation must stand in that relation to the case; without, the
// role may do it with every case (the city office, the central bank).
type Grant struct {
	Role     Role
	Relation Relation
}

// TimerKind says what a timer means for the case when it fires.
type TimerKind int

const (
	// TimerWarning marks the case due soon when it fires; its due time is
	// the case's WarnAt.
	TimerWarning TimerKind = iota + 1
	// TimerDeadline marks the case overdue, for good, when it fires; its due
	// time is the case's DueAt.
	TimerDeadline
)

// Definition declares a workflow: its states, its events and who may fire
// them, and its timers. The engine builds the state machine from it; it
// never imports a workflow package.
type Definition struct {
	// Name identifies the workflow; it is stored with every case.
	Name string
	// Initial is the state a case is created in, before the open event.
	Initial State
	// OpenEvent is the event that creates a case; it leaves Initial.
	OpenEvent EventName
	// States lists every state.
	States []StateDef
	// Events lists every event.
	Events []EventDef
	// Timers lists the timers armed as cases move.
	Timers []TimerDef
	// Viewers are granted read access to a case in addition to every
	// organisation that is a party to it.
	Viewers []Grant
	// MaxBackdate is how far into the past a case may be received (paper
	// records entered later). Zero means received now.
	MaxBackdate time.Duration
}

// StateDef declares one state.
type StateDef struct {
	Name State
	Doc  string
	// Final states end the case; no timer runs in them.
	Final bool
}

// EventDef declares one event: the states it leaves, the state it enters,
// who may fire it, and how its payload changes the case.
type EventDef struct {
	Name EventName
	Doc  string
	From []State
	// To is the state the event enters; empty means the case stays in the
	// state it is in (an event that only records something).
	To State
	// Grants lists who may fire the event. Timer events have none: only the
	// system fires them.
	Grants []Grant
	// Apply validates the payload and applies it to t.Case. It may replace
	// t.Payload with a normalised form, which is what the ledger records.
	// Nil means the event takes no payload. The open event's Apply fills
	// the new case: its data, title, parties, and its number prefix in
	// Case.Number, to which the engine appends a sequence number. Grants
	// are checked after it, against the parties it set.
	Apply func(ctx context.Context, t *Transition) error
}

// TimerDef declares a timer: armed when a case enters Start, running while
// the case is in one of Runs, paused (keeping the working days left) in one
// of Pauses, cancelled in any other state. When it falls due it fires Event
// as the system.
type TimerDef struct {
	Name string
	Doc  string
	Kind TimerKind
	// Workdays is the time limit in working days; the day the case was
	// received (or the timer armed) does not count.
	Workdays int
	// Event is fired when the timer falls due.
	Event EventName
	// Start is the state whose entry arms the timer. A timer armed by the
	// open event counts from the case's ReceivedAt.
	Start State
	// Runs lists the states in which the timer keeps running; it includes
	// Start.
	Runs []State
	// Pauses lists the states in which the timer is paused.
	Pauses []State
}

// Transition is what an event's Apply (or a workflow's Open) sees and may
// change. It is valid only during the call.
type Transition struct {
	// Case is the case being moved; Apply may change its Data, Title and
	// Parties.
	Case *Case
	// Event, From and To describe the move.
	Event EventName
	From  State
	To    State
	// Actor fires the event.
	Actor Actor
	// Now is the instant of the transition: every timestamp it writes.
	Now time.Time
	// Payload is the event's input; Apply may normalise it.
	Payload json.RawMessage
	// Directory reads reference data inside the transaction.
	Directory Directory
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
