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

// TimerKind says what a timer means for its time limit when it fires.
type TimerKind int

const (
	// TimerWarning marks its limit due soon when it fires.
	TimerWarning TimerKind = iota + 1
	// TimerDeadline marks its limit past due, and the limit overdue for
	// good, when it fires.
	TimerDeadline
	// TimerReminder only fires its event (a duty's reminder 5 working days
	// before it falls due): it leaves its limit as it is. A clock may have
	// several.
	TimerReminder
)

// ClockDef declares a time limit of a case: a deadline timer and, if it has
// one, a warning timer share it. The main clock's times and flags are the
// case's own WarnAt, DueAt, DueSoon, PastDue and Overdue, which lists and
// boards filter on; every clock's are in Case.Limits. While any other
// clock's limit is open (running, paused or past due), the case carries a
// mark named after the clock.
type ClockDef struct {
	Name string
	Doc  string
}

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
	// Clocks lists the time limits of a case; MainClock names the one
	// shown and filtered as the case's own.
	Clocks    []ClockDef
	MainClock string
	// Timers lists the timers armed as cases move.
	Timers []TimerDef
	// Notices lists the events that tell people, and whom: written to the
	// outbox in the event's transaction, delivered after the commit.
	Notices []NoticeDef
	// Tracers may read, of a case they may not see, the ledger entries
	// their own organisation wrote (a bank that returned a case).
	Tracers []Grant
	// Viewers are granted read access to a case in addition to every
	// organisation that is a party to it.
	Viewers []Grant
	// OrgTypes and Roles declare the organisation types and the roles the
	// workflow adds to the directory's (a city department and the role
	// acting for it); registering the workflow declares them.
	OrgTypes []OrgTypeDef
	Roles    []RoleDef
	// MaxBackdate is how far into the past a case may be received (paper
	// records entered later). Zero means received now.
	MaxBackdate time.Duration
	// Schedule, when set, makes the engine open a case of the workflow per
	// period per organisation (a bank's quarterly submission) without
	// anyone asking; see Engine.OpenScheduled.
	Schedule *ScheduleDef
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
	// Input is a zero value of the event's payload type: a struct whose
	// json tags name the fields and whose form tags say how to ask for
	// them (see workflows/payload). Nil when the event takes no payload.
	// Forms, documentation and the API contract are drawn from it.
	Input any
	// While names a clock whose limit the event answers: it can fire only
	// while that limit is open (running, paused or past due) — a reply to
	// a supervision notice, a decision on an extension request.
	While string
	// TakesFiles lets the event hand in files (FireRequest.Files);
	// NeedsFiles requires at least one. The files are kept with the case
	// and named, with their SHA-256, in the event's ledger entry.
	TakesFiles bool
	NeedsFiles bool
	// Extends names a clock whose running or paused limit (warning and
	// deadline alike) the event moves by Transition.ExtendBy working days,
	// which its Apply sets (a granted extension).
	Extends string
	// Offered, when set, says whether the event is open to the actor on
	// the case as its data stands, beyond its states and grants (a bank's
	// green-channel project not opened yet): lists of the events an actor
	// may fire (Engine.Events) leave it out otherwise, so that no screen
	// offers what Apply would refuse. Apply still decides.
	Offered func(a Actor, c *Case) bool
	// Apply validates the payload and applies it to t.Case. It may replace
	// t.Payload with a normalised form, which is what the ledger records.
	// Nil means the event takes no payload. The open event's Apply fills
	// the new case: its data, title, parties, and its number prefix in
	// Case.Number, to which the engine appends a sequence number. Grants
	// are checked after it, against the parties it set.
	Apply func(ctx context.Context, t *Transition) error
}

// TimerDef declares a timer: armed afresh whenever a case enters Start from
// another state or one of the StartOn events fires; running while the case
// is in one of Runs; paused (keeping the working days left) in one of
// Pauses; cancelled by a StopOn event or in any other state. When it falls
// due it fires Event as the system.
type TimerDef struct {
	Name string
	Doc  string
	Kind TimerKind
	// Clock is the time limit the timer belongs to.
	Clock string
	// Workdays is the time limit in working days; the day the timer is
	// armed does not count. A timer armed by the open event counts from the
	// case's RoutedAt.
	Workdays int
	// FromInput says the due instant is not a number of working days but
	// given by the arming event's Apply in Transition.DueAt (a reply-by
	// date).
	FromInput bool
	// Due says how the due instant is reckoned when the timer is armed:
	// the zero value counts Workdays from the arming; other rules count
	// from the case's Period or fall on a day of the month.
	Due DueRule
	// Event is fired when the timer falls due.
	Event EventName
	// Start is the state whose entry arms the timer; empty when only
	// StartOn events arm it.
	Start State
	// StartOn lists events that arm the timer afresh while the case stays
	// in one of Runs.
	StartOn []EventName
	// StopOn lists events that cancel the timer.
	StopOn []EventName
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
	// Decoded is Payload as the caller already decoded and checked it
	// (OpenRequest.Decoded), or nil: an Apply that finds its own input
	// type here need not decode Payload again.
	Decoded any
	// Directory reads reference data inside the transaction.
	Directory Directory
	// Calendar computes working days, for rules that count them (a return
	// allowed within one working day of routing).
	Calendar Calendar
	// Files names the files handed in with the event, for rules that
	// need them (a submission must carry its workbook).
	Files []FileRef
	// ExtendBy is set by the Apply of an event that Extends a clock: the
	// working days the limit moves by.
	ExtendBy int
	// DueAt is set by the Apply of an event that arms a FromInput timer:
	// the timer's due instant, by timer name.
	DueAt map[string]time.Time
	// OpenedBy is set on the open event of a case that another case's
	// event opened (see Open): the case it came from and what for.
	OpenedBy *Origin

	// opener opens a case of another workflow in the transition's
	// transaction; nil on an open event.
	opener func(ctx context.Context, workflow string, payload json.RawMessage, ref string) (*Case, error)
}

// Origin is the case whose event opened another case, and the item of it
// the new case is for (a visit's problem).
type Origin struct {
	CaseID   string    `json:"case_id"`
	Number   string    `json:"number"`
	Workflow string    `json:"workflow"`
	Event    EventName `json:"event"`
	Ref      string    `json:"ref,omitempty"`
}

// Open opens a case of another workflow inside this transition's
// transaction, as the same actor and with the same checks as Engine.Open
// (the workflow's open event decides and may refuse): the new case commits
// with this transition or not at all, so that whatever this case records
// of it (the problem that now names a financing case) cannot be out of step
// with it. The new case's open event sees this case, and ref, as its
// OpenedBy. An open event cannot open another case.
func (t *Transition) Open(ctx context.Context, workflow string, payload json.RawMessage, ref string) (*Case, error) {
	if t.opener == nil {
		return nil, Errorf(EINTERNAL, "开立案件时不能再开立其他案件。", "An open event cannot open another case.")
	}
	return t.opener(ctx, workflow, payload, ref)
}

// SetDue gives a FromInput timer armed by this transition its due instant.
func (t *Transition) SetDue(timer string, at time.Time) {
	if t.DueAt == nil {
		t.DueAt = make(map[string]time.Time)
	}
	t.DueAt[timer] = at
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
